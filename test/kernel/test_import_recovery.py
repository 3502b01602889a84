"""A cell whose import failed because the package was not installed yet runs as soon as the
package exists: the kernel's compiler and Node's resolution both look again (docs/kernel.md,
"Import from anywhere"). A real kernel in a folder of its own, the package written by the test
between the two runs of the same cell."""
import json
import os

from jupyter_client.manager import start_new_kernel

from conftest import error, run, text

CELL = "import { answer } from 'late-package';\nconsole.log(answer * 2);"


def write_package(folder, name, answer):
    pkg = folder / "node_modules" / name
    pkg.mkdir(parents=True)
    (pkg / "package.json").write_text(json.dumps({"name": name, "version": "1.0.0", "main": "index.js", "types": "index.d.ts"}))
    (pkg / "index.js").write_text(f"exports.answer = {answer};\n")
    (pkg / "index.d.ts").write_text("export declare const answer: number;\n")


def test_a_failed_import_runs_once_the_package_exists(tmp_path):
    km, kc = start_new_kernel(kernel_name="saddlelab", cwd=str(tmp_path), startup_timeout=120)
    try:
        status, out = run(kc, CELL)
        assert status == "error"
        assert "Cannot find module 'late-package'" in error(out)["evalue"]
        # No wait: the rerun comes right after the files are there, before any file watcher fires.
        write_package(tmp_path, "late-package", 21)
        status, out = run(kc, CELL)
        assert status == "ok", error(out)
        assert text(out, "stdout") == "42\n"
        # A second package in the node_modules folder that now exists, and a failed import that
        # stays failed, which must not make later cells slow or wrong.
        status, out = run(kc, "import { answer as b } from 'later-package';\nconsole.log(b);")
        assert status == "error" and "Cannot find module 'later-package'" in error(out)["evalue"]
        write_package(tmp_path, "later-package", 7)
        status, out = run(kc, "import { answer as b } from 'later-package';\nconsole.log(b);")
        assert status == "ok", error(out)
        assert text(out, "stdout") == "7\n"
        status, out = run(kc, "import { nothing } from 'never-installed';")
        assert status == "error" and "Cannot find module 'never-installed'" in error(out)["evalue"]
        status, out = run(kc, "const x: number = 1; x + 1")
        assert status == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
