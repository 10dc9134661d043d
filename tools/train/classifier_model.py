"""The small CNN that judges generated Fashion-MNIST images (class accuracy, Fréchet features).

It is independent of the generators: trained on the real training split only. Input is the
shared 3x32x32 geometry in [-1, 1] (fmnist.to_model_images); the network averages the three
channels and crops the 2-pixel padding back to the original 28x28, so anything a generator
draws in the padding cannot sway it. No BatchNorm: plain convolutions export as they are.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

FEATURE_DIM = 128
NUM_CLASSES = 10


class FmnistClassifier(nn.Module):
    def __init__(self, dropout=0.3):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)    # (32, 1, 3, 3)   at 28x28
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)   # (64, 32, 3, 3)  at 14x14
        self.conv3 = nn.Conv2d(64, 128, 3, padding=1)  # (128, 64, 3, 3) at 7x7
        self.fc1 = nn.Linear(128 * 7 * 7, FEATURE_DIM)  # (128, 6272): the feature layer
        self.fc2 = nn.Linear(FEATURE_DIM, NUM_CLASSES)  # (10, 128)
        self.dropout = dropout
        self.config = {"feature_dim": FEATURE_DIM, "num_classes": NUM_CLASSES, "dropout": dropout}

    @staticmethod
    def prepare(x):
        """(N, 3, 32, 32) in [-1, 1] -> (N, 1, 28, 28): channel mean, padding cropped."""
        return x.mean(dim=1, keepdim=True)[:, :, 2:30, 2:30]

    def features(self, x):
        h = self.prepare(x)
        h = F.max_pool2d(F.relu(self.conv1(h)), 2)
        h = F.max_pool2d(F.relu(self.conv2(h)), 2)
        h = F.relu(self.conv3(h))
        h = F.dropout(h, self.dropout, self.training)
        return F.relu(self.fc1(h.flatten(1)))

    def forward(self, x):
        """Returns (logits (N, 10), features (N, 128))."""
        f = self.features(x)
        return self.fc2(F.dropout(f, self.dropout, self.training)), f
