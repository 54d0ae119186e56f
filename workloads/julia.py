"""Julia set in pure Python: a numeric loop with complex arithmetic.

Hot functions: calculate_z (the inner loop, nearly all the time) and
calc_pure_python (builds the coordinate lists). After the classic example
in "High Performance Python" (Gorelick and Ozsvald).
"""
import argparse

X1, X2, Y1, Y2 = -1.8, 1.8, -1.8, 1.8
C_REAL, C_IMAG = -0.62772, -0.42193
MAX_ITER = 300


def calculate_z(maxiter, zs, cs):
    """Count the iterations until |z| > 2 for every point."""
    output = [0] * len(zs)
    for i in range(len(zs)):
        n = 0
        z = zs[i]
        c = cs[i]
        while abs(z) < 2 and n < maxiter:
            z = z * z + c
            n += 1
        output[i] = n
    return output


def calc_pure_python(width, maxiter):
    """Build a width x width grid of points and run calculate_z on it."""
    x_step = (X2 - X1) / width
    y_step = (Y1 - Y2) / width
    x = [X1 + i * x_step for i in range(width)]
    y = [Y2 + i * y_step for i in range(width)]
    zs = []
    cs = []
    c = complex(C_REAL, C_IMAG)
    for ycoord in y:
        for xcoord in x:
            zs.append(complex(xcoord, ycoord))
            cs.append(c)
    return calculate_z(maxiter, zs, cs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=300,
                        help="grid width in points (work grows as size^2)")
    args = parser.parse_args()
    output = calc_pure_python(args.size, MAX_ITER)
    print(f"julia size={args.size} points={len(output)} sum={sum(output)}")


if __name__ == "__main__":
    main()
