import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_translation_files_complete_and_compiled():
    result = subprocess.run([sys.executable, str(ROOT / "packaging" / "i18n.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
