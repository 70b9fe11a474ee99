"""Maps the top-level folders into the `goperf` import namespace.

`lsp`, `analyzer` and `profiler` are names other PyPI distributions install, so
nothing is installed under them: `analyzer/rules/prealloc` becomes
`goperf.analyzer.rules.prealloc`, and so on.
"""

from pathlib import Path

from setuptools import find_packages, setup

ROOTS = ("cli", "analyzer", "lsp", "profiler")
HERE = Path(__file__).parent

packages, package_dir = [], {}
for root in ROOTS:
    for sub in [""] + find_packages(str(HERE / root)):
        name = f"goperf.{root}" + (f".{sub}" if sub else "")
        packages.append(name)
        package_dir[name] = root + ("/" + sub.replace(".", "/") if sub else "")

setup(
    packages=packages,
    package_dir=package_dir,
    # Data folders (queries/, data/) are not packages: their files ride with the parent.
    package_data={name: ["*.scm", "*.json", "*.tsv", "*.lua", "queries/*.scm", "data/*.json"] for name in packages},
)
