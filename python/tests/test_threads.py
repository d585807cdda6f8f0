"""One model shared by Python threads: calls run at once (the GIL is released while
the library computes) and give the same bits as one call at a time, whatever the
library's thread count."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np

SENTENCES = ["Don't waste your money.", "It's not horrible, just horribly mediocre.",
             "A gorgeous, witty, seductive movie.", "The plot is nothing but boilerplate clichés from start "
             "to finish, and the script assumes that not only would subtlety be lost on the target audience, "
             "but that it's also too stupid to realize that they've already seen this exact same movie a "
             "hundred times"] * 20


def signature(out):
    return [(e.scores.tobytes(), tuple(a.relevance.tobytes() for a in e.explanations)) for e in out]


def test_threads_share_a_model(shipped):
    want = signature(shipped.explain(SENTENCES, methods="lrp,sa", target="all", threads=1))

    def job(k):
        threads = k % 3  # 0 (all cores), 1 or 2 library threads
        if k % 4 == 3:
            return signature([shipped.explain(s, methods="lrp,sa", target="all", threads=threads)
                              for s in SENTENCES])
        return signature(shipped.explain(SENTENCES, methods="lrp,sa", target="all", threads=threads))

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(job, range(12)))
    for k, got in enumerate(results):
        assert got == want, f"job {k} differs"


def test_predict_from_threads(shipped):
    want = shipped.predict(SENTENCES)
    with ThreadPoolExecutor(max_workers=3) as pool:
        for got in pool.map(lambda k: shipped.predict(SENTENCES, threads=k % 3), range(6)):
            assert np.array_equal(got, want)


def test_gil_released_while_computing(shipped):
    """While one thread explains a large batch, another runs Python: its longest pause
    is a small part of the call (with the GIL held through the computation it would
    be most of it)."""
    import threading
    import time

    batch = SENTENCES * 8
    shipped.explain(batch[:8], threads=1)  # the explainer's workspace, made once
    done = threading.Event()
    took = []

    def work():
        start = time.perf_counter()
        shipped.explain(batch, methods="lrp,sa", threads=1)
        took.append(time.perf_counter() - start)
        done.set()

    worker = threading.Thread(target=work)
    last, longest = time.perf_counter(), 0.0
    worker.start()
    while not done.is_set():
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    worker.join()
    assert longest < took[0] / 3, f"the other thread paused {longest * 1e3:.0f} ms of a {took[0] * 1e3:.0f} ms call"
