"""One resumable training phase of varscope-train under a wall-clock budget.

Keeps the step count and the seconds spent across runs (they come back from the phase's
checkpoint), draws the progress bar, and tells the loop when to save: every `save_every`
seconds, at the end, and (through `interrupted`) on Ctrl-C, so rerunning the same command
carries on where the last run stopped.
"""
import common
from progress import ProgressBar


class Phase:
    def __init__(self, label, ckpt_path, budget_s, save_every=60.0):
        self.label, self.ckpt_path, self.budget_s, self.save_every = label, ckpt_path, budget_s, save_every
        self.checkpoint = common.load_checkpoint(ckpt_path)
        self.step = self.checkpoint["step"] if self.checkpoint else 0
        self.seconds_before = self.checkpoint["seconds"] if self.checkpoint else 0.0
        self.timer = common.Timer()
        self.last_save = 0.0
        self.bar = ProgressBar(label)

    def seconds(self):
        return self.seconds_before + self.timer.elapsed()

    def fraction(self):
        return min(1.0, self.seconds() / self.budget_s) if self.budget_s > 0 else 1.0

    def running(self):
        return self.seconds() < self.budget_s

    def tick(self, loss, extra=""):
        """After one optimiser step: count it, redraw; True when a checkpoint is due."""
        self.step += 1
        self.bar.update(self.seconds(), self.budget_s, self.step, loss, extra)
        if self.timer.elapsed() - self.last_save > self.save_every:
            self.last_save = self.timer.elapsed()
            return True
        return False

    def save(self, **state):
        common.save_checkpoint(self.ckpt_path, step=self.step, seconds=self.seconds(), **state)

    def finish(self, summary):
        self.bar.update(self.seconds(), self.budget_s, self.step, self.bar.smoothed or 0.0, force=True)
        self.bar.finish("%s: %s" % (self.label, summary))
