"""PyTorch's usual Fashion-MNIST input pipeline, for side-by-side timing with bench/data/loader.ts.

torchvision's per-sample transforms (as torchvision.datasets.FashionMNIST feeds them: a PIL image
per example) and DARTS' numpy Cutout, batched by torch.utils.data.DataLoader in the main process.
Prints one JSON line: {"load_ms", "epoch_ms", "batches", "ms_per_batch"}.
Usage: python3 reference.py BATCHES THREADS
"""
import gzip
import json
import sys
import time

import numpy as np
import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms

ROOT = '/usr/share/datasets/fashion-mnist'


class Cutout:
    """DARTS' Cutout (utils.py): one length x length square of zeros, clipped at the borders."""

    def __init__(self, length):
        self.length = length

    def __call__(self, img):
        h, w = img.size(1), img.size(2)
        mask = np.ones((h, w), np.float32)
        y, x = np.random.randint(h), np.random.randint(w)
        y1, y2 = np.clip(y - self.length // 2, 0, h), np.clip(y + self.length // 2, 0, h)
        x1, x2 = np.clip(x - self.length // 2, 0, w), np.clip(x + self.length // 2, 0, w)
        mask[y1:y2, x1:x2] = 0.
        return img * torch.from_numpy(mask).expand_as(img)


class FashionMNIST(Dataset):
    def __init__(self, transform):
        with gzip.open(f'{ROOT}/train-images-idx3-ubyte.gz') as f:
            self.images = torch.frombuffer(bytearray(f.read()[16:]), dtype=torch.uint8).view(-1, 28, 28)
        with gzip.open(f'{ROOT}/train-labels-idx1-ubyte.gz') as f:
            self.labels = torch.frombuffer(bytearray(f.read()[8:]), dtype=torch.uint8).long()
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        img = Image.fromarray(self.images[i].numpy(), mode='L')
        return self.transform(img), int(self.labels[i])


def main():
    batches, threads = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    np.random.seed(0)
    t0 = time.perf_counter()
    ds = FashionMNIST(transforms.Compose([
        transforms.RandomCrop(28, padding=4), transforms.RandomHorizontalFlip(), transforms.ToTensor(),
        transforms.Normalize((0.2860406,), (0.3530242,)), Cutout(8)]))
    load_ms = (time.perf_counter() - t0) * 1000
    loader = DataLoader(ds, batch_size=64, shuffle=True, num_workers=0)
    t0 = time.perf_counter()
    n = 0
    for x, y in loader:
        n += 1
        if n == batches:
            break
    epoch_ms = (time.perf_counter() - t0) * 1000
    print(json.dumps({'load_ms': load_ms, 'epoch_ms': epoch_ms, 'batches': n, 'ms_per_batch': epoch_ms / n}))


if __name__ == '__main__':
    main()
