from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "samples"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/samples is not beside this checkout")
def test_the_repos_copy_of_the_samples_matches_shared():
    shared = {path.name: path.read_bytes() for path in SHARED.iterdir()}
    copied = {path.name: path.read_bytes() for path in (REPO / "tests" / "samples").iterdir()}

    assert copied == shared
