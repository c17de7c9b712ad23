"""PyTorch side of nasforge's training-throughput benchmark (bench/train/run.ts).

The same workloads as workloads.ts, written as a PyTorch user writes them: a map-style Dataset
that hands out one PIL image per example (as torchvision's FashionMNIST and CIFAR10 do),
torchvision's per-sample transforms, DARTS' numpy Cutout, torch.utils.data.DataLoader with
num_workers=0, and the usual training loop (zero_grad, forward, cross_entropy, backward,
clip_grad_norm_, optimizer.step, loss.item(), accuracy). The engine benchmark's network
definitions (bench/engine/reference.py) are imported as they are.

    /usr/bin/python3 bench/train/reference_train.py --workload darts_v2 --threads 2
        stdin: "steps K" | "quit"; stdout: one JSON line per command (same protocol as worker.ts)
"""
import argparse
import gzip
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from torch.utils.data import DataLoader, Dataset, Subset
from torchvision import transforms as T

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'engine'))
import reference as engine  # noqa: E402  (bench/engine/reference.py: plain_cnn, DARTS V2, NAS-Bench-Macro)

EXAMPLES = 2560        # workloads.ts EXAMPLES
DATA_SEED = 1234       # workloads.ts DATA_SEED
FMNIST_ROOT = '/usr/share/datasets/fashion-mnist'
FMNIST_MEAN, FMNIST_STD = (0.2860406,), (0.3530242,)
CIFAR_MEAN = (0.49139968, 0.48215827, 0.44653124)
CIFAR_STD = (0.24703233, 0.24348505, 0.26158768)


class FashionMNIST(Dataset):
    """torchvision.datasets.FashionMNIST's __getitem__ over the Debian IDX files (no download)."""

    def __init__(self, transform):
        with gzip.open(f'{FMNIST_ROOT}/train-images-idx3-ubyte.gz') as f:
            self.data = torch.frombuffer(bytearray(f.read()[16:]), dtype=torch.uint8).view(-1, 28, 28)
        with gzip.open(f'{FMNIST_ROOT}/train-labels-idx1-ubyte.gz') as f:
            self.targets = torch.frombuffer(bytearray(f.read()[8:]), dtype=torch.uint8).long()
        self.transform = transform

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        img, target = self.data[i], int(self.targets[i])
        return self.transform(Image.fromarray(img.numpy(), mode='L')), target


class SyntheticCIFAR(Dataset):
    """torchvision.datasets.CIFAR10's __getitem__ over seeded uint8 images (HWC numpy, as CIFAR10 keeps them)."""

    def __init__(self, n, transform):
        torch.manual_seed(DATA_SEED)
        x = torch.randint(0, 256, (n, 3, 32, 32), dtype=torch.uint8)  # the same draws as workloads.ts
        self.targets = torch.randint(0, 10, (n,)).tolist()
        self.data = x.permute(0, 2, 3, 1).contiguous().numpy()
        self.transform = transform

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        return self.transform(Image.fromarray(self.data[i])), self.targets[i]


class Cutout:
    """DARTS' Cutout (cnn/utils.py)."""

    def __init__(self, length):
        self.length = length

    def __call__(self, img):
        h, w = img.size(1), img.size(2)
        mask = np.ones((h, w), np.float32)
        y, x = np.random.randint(h), np.random.randint(w)
        y1, y2 = np.clip(y - self.length // 2, 0, h), np.clip(y + self.length // 2, 0, h)
        x1, x2 = np.clip(x - self.length // 2, 0, w), np.clip(x + self.length // 2, 0, w)
        mask[y1:y2, x1:x2] = 0.
        mask = torch.from_numpy(mask).expand_as(img)
        return img * mask


# ---- resnet-small: src/spaces/baselines/resnet.ts (width 16, one basic block per stage) ----

class BasicBlock(nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.shortcut = None
        if stride != 1 or c_in != c_out:
            self.shortcut = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (self.shortcut(x) if self.shortcut is not None else x))


class ResNet(nn.Module):
    def __init__(self, in_channels, classes, width=16, blocks=1):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_channels, width, 3, padding=1, bias=False), nn.BatchNorm2d(width))
        layers, c_in = [], width
        for s, c_out in enumerate((width, 2 * width, 4 * width)):
            for b in range(blocks):
                layers.append(BasicBlock(c_in, c_out, 2 if s > 0 and b == 0 else 1))
                c_in = c_out
        self.stages = nn.Sequential(*layers)
        self.fc = nn.Linear(c_in, classes)

    def forward(self, x):
        return self.fc(self.stages(F.relu(self.stem(x))).mean((2, 3)))


def build(name, seed):
    """(loader, network, optimizer, grad clip) for a workload, as workloads.ts builds it."""
    if name == 'resnet_small_fmnist':
        transform = T.Compose([T.RandomCrop(28, padding=2), T.RandomHorizontalFlip(), T.ToTensor(),
                               T.Normalize(FMNIST_MEAN, FMNIST_STD)])
        data = Subset(FashionMNIST(transform), range(EXAMPLES))
        torch.manual_seed(seed)
        net = ResNet(1, 10)
        opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=3e-4)
        batch, clip = 128, 0.
    else:
        # DARTS' _data_transforms_cifar10 (train) and its final-training optimiser
        transform = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(),
                               T.Normalize(CIFAR_MEAN, CIFAR_STD), Cutout(16)])
        data = SyntheticCIFAR(EXAMPLES, transform)
        torch.manual_seed(seed)
        net = engine.build(name)
        opt = torch.optim.SGD(net.parameters(), lr=0.025, momentum=0.9, weight_decay=3e-4)
        batch, clip = 64, 5.
    np.random.seed(seed)
    loader = DataLoader(data, batch_size=batch, shuffle=True, num_workers=0, drop_last=True)
    return loader, net.train(), opt, clip


class Trainer:
    def __init__(self, loader, net, opt, clip):
        self.loader, self.net, self.opt, self.clip = loader, net, opt, clip
        self.it = iter(loader)

    def next_batch(self):
        try:
            return next(self.it)
        except StopIteration:  # next epoch
            self.it = iter(self.loader)
            return next(self.it)

    def step(self):
        t0 = time.perf_counter()
        x, y = self.next_batch()
        t1 = time.perf_counter()
        self.opt.zero_grad(set_to_none=True)
        logits = self.net(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        if self.clip > 0:
            nn.utils.clip_grad_norm_(self.net.parameters(), self.clip)
        self.opt.step()
        loss_value = loss.item()
        correct = (logits.argmax(1) == y).sum().item()  # noqa: F841  (what a training loop logs)
        t2 = time.perf_counter()
        if not np.isfinite(loss_value):
            raise SystemExit(f'loss became {loss_value}')
        return (t2 - t0) * 1000, (t1 - t0) * 1000


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--workload', required=True)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--seed', type=int, default=0)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    trainer = Trainer(*build(args.workload, args.seed))

    def send(o):
        sys.stdout.write(json.dumps(o) + '\n')
        sys.stdout.flush()

    send({'ready': True, 'params': sum(q.numel() for q in trainer.net.parameters())})
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        cmd, n = parts[0], int(parts[1]) if len(parts) > 1 else 1
        if cmd == 'steps':
            total, data = zip(*[trainer.step() for _ in range(n)])
            send({'total': list(total), 'data': list(data)})
        elif cmd == 'quit':
            send({'maxRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
            return
        else:
            send({'error': f"unknown command '{line.strip()}'"})


if __name__ == '__main__':
    main()
