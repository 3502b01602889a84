"""A cell that imports saddlelab is type-checked against its .d.ts files by
tslab's own TypeScript: correct uses compile, wrong ones are errors."""
from conftest import error, run, text


def test_saddlelab_declarations_type_check_inside_the_kernel(kernel):
    km, kc = kernel
    status, out = run(kc, """
import { train, data, spectrum } from 'saddlelab';
const net: train.Mlp = train.mlp({ inputDim: 2, widths: [3], outputDim: 1, activation: 'relu', init: { scale: 0.1, seed: 1 } });
const depth: number = net.depth;
const s: Float64Array = spectrum.singularValues(new Float64Array([3, 0, 0, 4]), 2, 2);
const toy: data.Dataset = data.linearTeacher({ singularValues: [1], n: 3, dIn: 2, dOut: 1 });
console.log(depth, Array.from(s).join(','), toy.n);
""")
    assert status == "ok", out
    assert text(out, "stdout").strip() == "2 4,3 3"
    status, out = run(kc, "const bad: string = train.mlp({ inputDim: 2, widths: [3], outputDim: 1 }).depth;")
    assert status == "error"
    assert "Type 'number' is not assignable to type 'string'" in error(out)["evalue"]
    status, out = run(kc, "train.mlp({ inputDim: 2, widths: [3], outputDim: 1, activation: 'tanh' });")
    assert status == "error"
    assert "tanh" in " ".join(error(out)["traceback"])
