"""A one-line progress bar for varscope-train: phase, bar, step, loss, time left.

On a terminal the line is redrawn in place (at most a few times a second); when the output
is a file or a pipe (logs, ctest) a full line is printed every `log_every` seconds instead,
so logs stay readable.
"""
import sys
import time


def clock(seconds):
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return "%d:%02d:%02d" % (h, m, s) if h else "%d:%02d" % (m, s)


class ProgressBar:
    def __init__(self, label, stream=None, width=24, log_every=15.0):
        self.label, self.width, self.log_every = label, width, log_every
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()
        self.last_draw = 0.0
        self.smoothed = None

    def update(self, done_s, budget_s, step, loss, extra="", force=False):
        """done_s of budget_s seconds spent; loss is smoothed (EMA) for display."""
        self.smoothed = loss if self.smoothed is None else 0.95 * self.smoothed + 0.05 * loss
        now = time.time()
        if not force and now - self.last_draw < (0.25 if self.tty else self.log_every):
            return
        self.last_draw = now
        frac = min(1.0, done_s / budget_s) if budget_s > 0 else 1.0
        filled = int(round(frac * self.width))
        bar = "#" * filled + "-" * (self.width - filled)
        text = "%-11s [%s] %3d%%  step %6d  loss %.4f%s  %s left" % (
            self.label, bar, int(frac * 100), step, self.smoothed, ("  " + extra) if extra else "",
            clock(budget_s - done_s))
        if self.tty:
            self.stream.write("\r" + text + "\033[K")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self, message):
        if self.tty:
            self.stream.write("\r\033[K")
        self.stream.write(message + "\n")
        self.stream.flush()
