"""nbclient runs notebooks through the saddlelab kernel: widget state is saved in
the notebook, and under Run All each widget lands in its own cell."""
import pathlib

import nbformat
from nbclient import NotebookClient

HERE = pathlib.Path(__file__).resolve().parent

SETUP = """
import { train, data, widgets } from 'saddlelab';
const ds = data.linearTeacher({ singularValues: [1, 2], n: 20, seed: 0 });
async function run(seed: number) {
  const net = train.mlp({ inputDim: 2, widths: [6], outputDim: 2, activation: 'linear', init: { scale: 0.1, seed } });
  return train.fit(net, ds, { steps: 50, lr: 0.05, record: { every: 10 }, log: false });
}
"""


def widget_cell(seed):
    # Training is queued behind the previous cells; each cell shows its own plot.
    return f"const h{seed} = await run({seed});\nnew widgets.LossPlot(h{seed})"


def views(cell):
    return [o["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
            for o in cell.get("outputs", []) if o.get("output_type") == "display_data"
            and "application/vnd.jupyter.widget-view+json" in o.get("data", {})]


def test_run_all_puts_each_widget_in_its_own_cell_and_saves_widget_state():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "saddlelab", "display_name": "TypeScript (saddlelab)", "language": "typescript"}
    nb.cells = [nbformat.v4.new_code_cell(SETUP)] + [nbformat.v4.new_code_cell(widget_cell(s)) for s in (1, 2, 3)]
    client = NotebookClient(nb, timeout=300, kernel_name="saddlelab", resources={"metadata": {"path": str(HERE)}})
    client.execute()
    ids = [views(c) for c in nb.cells[1:]]
    assert all(len(v) == 1 for v in ids), ids
    assert len({v[0] for v in ids}) == 3
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    for (model_id,) in ids:
        assert model_id in state
        assert state[model_id]["model_module"] == "saddlelab"
        assert state[model_id]["model_name"].endswith("Model")
    # Each display bundle carries a static figure for readers without a kernel.
    for cell in nb.cells[1:]:
        data = [o for o in cell.outputs if o.get("output_type") == "display_data"][0]["data"]
        assert "text/plain" in data and ("image/svg+xml" in data or "image/png" in data)
