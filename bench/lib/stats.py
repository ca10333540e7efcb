"""Small statistics helpers shared by the benchmark analysis scripts (standard library only)."""
import statistics


def median(values):
    return statistics.median(values)


def percentile(values, p):
    """The p-th percentile (0..100) with linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    position = (len(ordered) - 1) * p / 100.0
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def iqr_bounds(values):
    return percentile(values, 25), percentile(values, 75)


def read_samples(path, scale=1.0):
    """One number per line; blank lines and lines starting with '#' are skipped."""
    with open(path) as f:
        return [float(line) * scale for line in f if line.strip() and not line.startswith("#")]
