"""Solves exported assignment problems with SciPy, the reference for the Go matcher.

Reads one JSON problem per line from the file named on the command line: rows, the column capacities,
the allowed entries [row, column, cost] and the cost of leaving a row unassigned. Builds the
rectangular capacity-expanded matrix (a column per unit of mentor capacity, a row per mentee; no
"unassigned" columns), times scipy.optimize.linear_sum_assignment(maximize=True) on it alone, and
prints one JSON line per problem: the total cost and the number of assigned rows of SciPy's optimum,
under the problem's costs, and the seconds taken.

The matrix holds weights to maximise. An allowed pair weighs its score (the cost missing to 10,000)
plus a participation bonus; a forbidden pair weighs 0, which is as good as leaving the row
unassigned. The bonus encodes the objective, as the matcher's costs do:
  - MaxParticipation (unassigned costs more than any pair): a bonus above any sum of scores, so that
    more rows assigned comes first, then a higher total score;
  - MaxScore (unassigned costs as much as a pair of score 0): scores scaled by rows + 1 and a bonus of
    1, so that a higher total score comes first, then more rows assigned.
Every weight and sum stays below 2^53, so the float64 arithmetic is exact.
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

SCORE_UNITS = 10000


def solve(problem):
    rows = problem["rows"]
    capacity = problem["capacity"]
    entries = np.array(problem["entries"], dtype=np.int64).reshape(-1, 3)
    slots = int(sum(capacity))
    if rows == 0 or slots == 0 or len(entries) == 0:
        return {"total": rows * problem["unassigned"], "assigned": 0, "seconds": 0.0}
    score = SCORE_UNITS - entries[:, 2]
    if problem["unassigned"] > SCORE_UNITS:  # MaxParticipation
        weight = score + (rows + 1) * (SCORE_UNITS + 1)
    else:  # MaxScore
        weight = score * (rows + 1) + 1
    # Each entry fills the slots of its column: entry i covers capacity[col] consecutive slots.
    capacity = np.array(capacity, dtype=np.int64)
    first_slot = np.concatenate(([0], np.cumsum(capacity)))
    counts = capacity[entries[:, 1]]
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    matrix = np.zeros((rows, slots))
    matrix[np.repeat(entries[:, 0], counts), np.repeat(first_slot[entries[:, 1]], counts) + offsets] = np.repeat(weight, counts)
    started = time.perf_counter()
    row_ind, col_ind = linear_sum_assignment(matrix, maximize=True)
    seconds = time.perf_counter() - started
    chosen = matrix[row_ind, col_ind] > 0
    assigned = int(chosen.sum())
    # The cost of each chosen allowed pair, by its row and the column its slot belongs to.
    cost = np.zeros((rows, len(capacity)), dtype=np.int64)
    cost[entries[:, 0], entries[:, 1]] = entries[:, 2]
    column_of = np.repeat(np.arange(len(capacity)), capacity)
    total = int(cost[row_ind[chosen], column_of[col_ind[chosen]]].sum())
    total += (rows - assigned) * problem["unassigned"]
    return {"total": int(total), "assigned": assigned, "seconds": seconds}


def main():
    with open(sys.argv[1]) as problems:
        for line in problems:
            print(json.dumps(solve(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
