"""Shared helpers for the numpy reference scripts: fixture JSON writing and the
centered finite-difference gradient check. Everything is float64; the fixtures these
scripts write are the golden data the TypeScript model is tested against."""

import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURE_DIR = os.path.join(REPO, "packages", "model", "src", "fixtures")

# Gradient-check policy from STYLE.md: centered difference, eps 1e-5, fail when the
# relative error exceeds 1e-6 AND the absolute error exceeds a small atol (an element whose
# true gradient is ~1e-9 has round-off noise far above 1e-6 relative, which says nothing).
FD_EPS = 1e-5
FD_RTOL = 1e-6
FD_ATOL = 1e-9
REL_REPORT_FLOOR = 1e-3


def tensor_json(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "data": [float(v) for v in a.reshape(-1)]}


def nested(a):
    """ndarray -> nested lists of Python floats (json.dump writes repr, i.e. full precision)."""
    return np.asarray(a, dtype=np.float64).tolist()


def write_fixture(name, obj, out_dir=None):
    """One top-level key per line and one tensor per line, so diffs of a regenerated
    fixture stay readable while numbers keep full repr precision."""
    out_dir = out_dir or FIXTURE_DIR
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name + ".json")
    lines = []
    keys = list(obj.keys())
    for i, k in enumerate(keys):
        v = obj[k]
        comma = "," if i < len(keys) - 1 else ""
        if isinstance(v, dict) and v and all(isinstance(x, dict) and "shape" in x for x in v.values()):
            inner = []
            for j, (pk, pv) in enumerate(v.items()):
                c2 = "," if j < len(v) - 1 else ""
                inner.append("    %s: %s%s" % (json.dumps(pk), json.dumps(pv, separators=(",", ":")), c2))
            lines.append("  %s: {\n%s\n  }%s" % (json.dumps(k), "\n".join(inner), comma))
        else:
            lines.append("  %s: %s%s" % (json.dumps(k), json.dumps(v, separators=(",", ":")), comma))
    text = "{\n" + "\n".join(lines) + "\n}\n"
    # Round-trip guard: the file must parse back to exactly what was meant.
    assert json.loads(text) == json.loads(json.dumps(obj))
    with open(path, "w") as f:
        f.write(text)
    return path


def gradcheck(loss_fn, arrays, analytic, label, eps=FD_EPS):
    """Compare analytic grads with centered differences for EVERY element of every array.

    loss_fn() reads the arrays in `arrays` (perturbed in place); analytic[name] has the
    same shape. Returns stats and raises AssertionError on failure."""
    max_rel = 0.0
    max_abs = 0.0
    max_rel_where = None
    checked = 0
    for name, arr in arrays.items():
        g = analytic[name]
        assert g.shape == arr.shape, (name, g.shape, arr.shape)
        flat = arr.reshape(-1)  # a view: perturbing it perturbs arr
        gflat = g.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            lp = loss_fn()
            flat[i] = old - eps
            lm = loss_fn()
            flat[i] = old
            num = (lp - lm) / (2 * eps)
            a = gflat[i]
            abs_err = abs(a - num)
            denom = max(abs(a), abs(num))
            rel = abs_err / denom if denom > 0 else 0.0
            checked += 1
            max_abs = max(max_abs, abs_err)
            # Report the worst relative error among elements large enough for it to mean
            # something: FD round-off is ~1e-15 * loss / eps ~ 1e-10 absolute, i.e. up to 1e-6
            # relative at |grad| = 1e-4. Smaller grads are covered by the absolute error.
            if denom >= REL_REPORT_FLOOR and rel > max_rel:
                max_rel = rel
                max_rel_where = "%s[%d] analytic=%r numeric=%r" % (name, i, a, num)
            if rel > FD_RTOL and abs_err > FD_ATOL:
                raise AssertionError("gradcheck %s: %s[%d] analytic %r numeric %r rel %g abs %g"
                                     % (label, name, i, a, num, rel, abs_err))
    stats = {"label": label, "elements": checked, "max_rel_err": max_rel, "max_abs_err": max_abs,
             "worst": max_rel_where}
    assert max_rel < FD_RTOL, (label, max_rel, max_rel_where)
    print("gradcheck %-18s elements=%4d  max_rel_err(|g|>=1e-3)=%.3e  max_abs_err=%.3e"
          % (label, checked, max_rel, max_abs))
    return stats


def max_diff(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b)))) if np.size(a) else 0.0
