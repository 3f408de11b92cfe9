"""Solves exported assignment problems with SciPy, the reference for the Go matcher.

Reads one JSON problem per line from the file named on the command line: rows, the column capacities,
the allowed entries [row, column, cost] and the cost of leaving a row unassigned. Builds the
capacity-expanded dense matrix (one column per unit of mentor capacity, one "unassigned" column per
row, forbidden pairs infinite), times scipy.optimize.linear_sum_assignment on it alone, and prints one
JSON line per problem: the optimal total cost, the number of assigned rows and the seconds taken.
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment


def solve(problem):
    rows = problem["rows"]
    capacity = problem["capacity"]
    slots = np.repeat(np.arange(len(capacity)), capacity)
    first_slot = np.concatenate(([0], np.cumsum(capacity)))
    width = len(slots) + rows
    matrix = np.full((rows, width), np.inf)
    for row, col, cost in problem["entries"]:
        matrix[row, first_slot[col]:first_slot[col + 1]] = cost
    matrix[np.arange(rows), len(slots) + np.arange(rows)] = problem["unassigned"]
    started = time.perf_counter()
    row_ind, col_ind = linear_sum_assignment(matrix)
    seconds = time.perf_counter() - started
    total = matrix[row_ind, col_ind].sum()
    assigned = int((col_ind < len(slots)).sum())
    return {"total": int(round(total)), "assigned": assigned, "seconds": seconds}


def main():
    with open(sys.argv[1]) as problems:
        for line in problems:
            print(json.dumps(solve(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
