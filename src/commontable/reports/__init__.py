"""Reports: charts of published results, the public report and member scorecards."""
