import warnings

# Starlette's test client asks for httpx2; httpx, which the project depends on, still works.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
