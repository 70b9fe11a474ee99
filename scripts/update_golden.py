"""Write <file>.go.golden for a rule's testdata by applying the first fix of each finding.

Run: python scripts/update_golden.py tests/testdata/prealloc/slice
Review the diff before committing: the golden is the expectation.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.analyzer import harness  # noqa: E402

for arg in sys.argv[1:]:
    folder = Path(arg).resolve()
    package, findings, problems = harness.run(folder)
    for p in problems:
        print("warning:", p)
    fixed = harness.apply_first_fixes(package, findings)
    for f in package.files:
        if fixed[f.path] != f.source:
            Path(f.path + ".golden").write_bytes(fixed[f.path])
            print("wrote", f.path + ".golden")
