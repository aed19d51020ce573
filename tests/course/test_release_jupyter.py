"Releases open in JupyterLab unmodified: their kernelspec and language_info are what the course's kernel writes."
import json
import nbformat
import pytest
from conftest import ROOT
from mlopslab.course.labspec import KERNELSPEC, LANGUAGE_INFO, notebook


def test_kernelspec_is_the_installed_python3_kernel():
    from jupyter_client.kernelspec import KernelSpecManager
    spec = KernelSpecManager().get_kernel_spec(KERNELSPEC["name"])
    assert {"display_name": spec.display_name, "language": spec.language, "name": KERNELSPEC["name"]} == KERNELSPEC


@pytest.mark.slow
def test_language_info_is_what_the_kernel_writes(tmp_path):
    "Execute a course notebook as nbconvert/JupyterLab do: the kernel's reply leaves its metadata unchanged."
    from nbclient import NotebookClient
    nb = nbformat.reads(json.dumps(notebook([{"cell_type": "code", "id": "c0", "metadata": {}, "source": "1 + 1",
                                              "outputs": [], "execution_count": None}])), as_version=4)
    before = json.loads(json.dumps(nb.metadata))
    NotebookClient(nb, kernel_name=KERNELSPEC["name"], timeout=60).execute()
    assert nb.metadata["language_info"] == LANGUAGE_INFO == before["language_info"]
    assert nb.metadata["kernelspec"] == before["kernelspec"] == KERNELSPEC


def test_every_release_carries_them():
    for p in (ROOT/"labs").glob("week*/week*.ipynb"):
        meta = json.loads(p.read_text())["metadata"]
        assert meta["kernelspec"] == KERNELSPEC and meta["language_info"] == LANGUAGE_INFO, p
