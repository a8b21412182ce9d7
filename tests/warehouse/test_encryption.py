"""Encryption at rest of the warehouse and its reading copy (DuckDB's AES-GCM files): no
patient name in either file, both read back with the key, a clear message without it, and
the way to get OpenSSL said when DuckDB's httpfs extension is not installed.

DuckDB writes encrypted files securely only with OpenSSL (httpfs), which this machine cannot
download; the tests stand in its built-in cipher for it (`force_mbedtls_unsafe`), which the
product refuses."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from commontable.config import Settings, load_settings
from commontable.errors import ConfigError
from commontable.warehouse import encryption
from commontable.warehouse.reading import reading_copy
from commontable.warehouse.turns import writing
from tests.patients import send_patients

KEY = "correct horse battery staple 1729"
NAME = "Zebediah"
PATIENT = {
    "person_id": "r1",
    "first_name": NAME,
    "last_name": "Quist",
    "sex": "male",
    "birth_date": "1961-04-12",
    "zip_code": "97477",
}


def _stand_in_crypto(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("SET force_mbedtls_unsafe = 'true'")


def _httpfs_installed() -> bool:
    try:
        duckdb.connect().execute("LOAD httpfs")
    except duckdb.Error:
        return False
    return True


@pytest.fixture
def encrypted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A workspace whose warehouse is encrypted, holding one patient."""
    monkeypatch.setattr(encryption, "load_crypto", _stand_in_crypto)
    settings = load_settings(tmp_path, warehouse_key=KEY)
    with writing(settings) as store:
        send_patients(store, tmp_path / "clinic", "clinic", [PATIENT])
    return settings


def test_no_patient_name_is_in_the_warehouse_or_its_reading_copy(encrypted: Settings) -> None:
    for file in ("warehouse.duckdb", "warehouse.reading.duckdb"):
        assert NAME.encode() not in (encrypted.workspace / file).read_bytes()
        assert NAME.upper().encode() not in (encrypted.workspace / file).read_bytes()


def test_an_encrypted_warehouse_reads_back_with_its_key(encrypted: Settings) -> None:
    with writing(encrypted, refresh=False) as store:
        [row] = store.table("patient").to_pyarrow().to_pylist()
    assert row["first_name"] == NAME
    with reading_copy(encrypted) as copy:
        assert copy.table("submission").count().execute() == 1


def test_without_its_key_an_encrypted_warehouse_says_which_setting(encrypted: Settings) -> None:
    plain = load_settings(encrypted.workspace)
    with pytest.raises(ConfigError, match="COMMONTABLE_WAREHOUSE_KEY"), writing(plain):
        pass
    with pytest.raises(ConfigError, match="warehouse_key"), reading_copy(plain):
        pass


@pytest.mark.skipif(_httpfs_installed(), reason="httpfs is installed here")
def test_without_openssl_an_encrypted_warehouse_says_how_to_get_it(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, warehouse_key=KEY)
    with pytest.raises(ConfigError, match="INSTALL httpfs"), writing(settings):
        pass
