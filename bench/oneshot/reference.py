"""The authors' side of nasforge's one-shot benchmark: one search step of DARTS (quark0/darts,
cnn/model_search.py + cnn/architect.py) or GDAS (D-X-Y/AutoDL-Projects, NASNet-space search
model) with their own code, imported from a folder the runner extracted from a fetched git
directory (the reference code is never committed here). `.cuda()` is made a no-op so it runs
on the CPU.

    /usr/bin/python3 bench/oneshot/reference.py --src DIR --method darts1|darts2|gdas \
        --cells 8 --channels 16 --batch 64 --warmup 1 --steps 2 --threads 2
    /usr/bin/python3 bench/oneshot/reference.py --ceiling --threads 2
prints one JSON line: {"times_ms": [...], "hwm_mb": N} (or {"gflops": N})

The step is the body of train() in DARTS' train_search.py (architect step on a validation
batch, then the weight step with clipping) and of search_func() in AutoDL's GDAS.py (weight
step, then architecture step). GDAS' network class lays out 3N cells; to compare at the same
cell counts as DARTS, its cells (their NASNetSearchCell) are laid out with DARTS' rule
(reductions at cells//3 and 2*cells//3), which is the same layout whenever cells = 3N.
"""
import argparse
import json
import os
import sys
import time
import types
import warnings

import torch
import torch.nn as nn

warnings.filterwarnings('ignore')
torch.Tensor.cuda = lambda self, *a, **k: self
nn.Module.cuda = lambda self, *a, **k: self


def hwm_mb():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) / 1024
    return float('nan')


def ceiling():
    x = torch.randn(64, 64, 32, 32).requires_grad_()
    w = torch.randn(64, 64, 3, 3).requires_grad_()
    flops = 3 * 2 * 64 * 64 * 64 * 9 * 32 * 32

    def once():
        y = torch.nn.functional.conv2d(x, w, None, 1, 1)
        y.sum().backward()
        x.grad = None
        w.grad = None
    once()
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        once()
        times.append(time.perf_counter() - t0)
    times.sort()
    return flops / times[2] / 1e9


def darts_step_fn(src, a):
    sys.path.insert(0, os.path.join(src, 'cnn'))
    from model_search import Network
    from architect import Architect
    criterion = nn.CrossEntropyLoss()
    model = Network(a.channels, 10, a.cells, criterion)
    optimizer = torch.optim.SGD(model.parameters(), 0.025, momentum=0.9, weight_decay=3e-4)
    args = types.SimpleNamespace(momentum=0.9, weight_decay=3e-4, arch_learning_rate=3e-4, arch_weight_decay=1e-3)
    architect = Architect(model, args)
    unrolled = a.method == 'darts2'
    data = [torch.randn(a.batch, 3, 32, 32), torch.randint(0, 10, (a.batch,)),
            torch.randn(a.batch, 3, 32, 32), torch.randint(0, 10, (a.batch,))]

    def step():
        inp, target, inp_search, target_search = data
        model.train()
        architect.step(inp, target, inp_search, target_search, 0.025, optimizer, unrolled=unrolled)
        optimizer.zero_grad()
        logits = model(inp)
        loss = criterion(logits, target)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5)
        optimizer.step()
    return step


def gdas_step_fn(src, a):
    sys.path.insert(0, src)
    from xautodl.models.cell_operations import SearchSpaceNames
    from xautodl.models.cell_searchs.search_model_gdas_nasnet import NASNetworkGDAS
    from xautodl.models.cell_searchs.search_cells import NASNetSearchCell
    space = SearchSpaceNames['darts']
    C = a.channels
    net = NASNetworkGDAS(C, 1, 4, 4, 3, 10, space, False, True)
    # their cells, laid out as DARTS' search network (see the module doc)
    cells, cpp, cp, c, rprev = [], 3 * C, 3 * C, C, False
    for i in range(a.cells):
        red = i in (a.cells // 3, 2 * a.cells // 3)
        if red:
            c *= 2
        cells.append(NASNetSearchCell(space, 4, 4, cpp, cp, c, red, rprev, False, True))
        cpp, cp, rprev = cp, 4 * c, red
    net.cells = nn.ModuleList(cells)
    net._Layer = len(cells)
    net.set_tau(10)
    criterion = nn.CrossEntropyLoss()
    w_optimizer = torch.optim.SGD(net.get_weights(), 0.025, momentum=0.9, weight_decay=5e-4, nesterov=True)
    a_optimizer = torch.optim.Adam(net.get_alphas(), lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)
    data = [torch.randn(a.batch, 3, 32, 32), torch.randint(0, 10, (a.batch,)),
            torch.randn(a.batch, 3, 32, 32), torch.randint(0, 10, (a.batch,))]

    def step():
        base_inputs, base_targets, arch_inputs, arch_targets = data
        net.train()
        w_optimizer.zero_grad()
        _, logits = net(base_inputs)
        base_loss = criterion(logits, base_targets)
        base_loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 5)
        w_optimizer.step()
        a_optimizer.zero_grad()
        _, logits = net(arch_inputs)
        arch_loss = criterion(logits, arch_targets)
        arch_loss.backward()
        a_optimizer.step()
    return step


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--src')
    p.add_argument('--method', choices=['darts1', 'darts2', 'gdas'], default='darts1')
    p.add_argument('--cells', type=int, default=5)
    p.add_argument('--channels', type=int, default=8)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--warmup', type=int, default=1)
    p.add_argument('--steps', type=int, default=2)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--ceiling', action='store_true')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.ceiling:
        print(json.dumps({'gflops': ceiling()}))
        return
    torch.manual_seed(0)
    step = gdas_step_fn(a.src, a) if a.method == 'gdas' else darts_step_fn(a.src, a)
    for _ in range(a.warmup):
        step()
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    import resource
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({'times_ms': times, 'hwm_mb': hwm_mb(), 'cpu_s': ru.ru_utime + ru.ru_stime}))


if __name__ == '__main__':
    main()
