"""PyTorch side of nasforge's engine benchmark: the same three networks as networks.ts, and the
same line protocol as worker.ts (run.js drives both and alternates them).

    /usr/bin/python3 bench/engine/reference.py --network darts_v2 --threads 2
        stdin: "steps K" | "overhead N" | "quit"; stdout: one JSON line per command
    /usr/bin/python3 bench/engine/reference.py --params
        prints parameter counts of the ported networks (used to check nasforge's ports)

The networks are our own ports of DARTS' NetworkCIFAR (cnn/model.py, cnn/operations.py) and of
the NAS-Bench-Macro network, with the same child names as the TypeScript modules.
"""
import argparse
import json
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# ---- DARTS cell operations ----


class ReLUConvBN(nn.Module):
    def __init__(self, c_in, c_out, k, stride, padding, affine=True):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(inplace=False), nn.Conv2d(c_in, c_out, k, stride, padding, bias=False),
                                nn.BatchNorm2d(c_out, affine=affine))

    def forward(self, x):
        return self.op(x)


class DilConv(nn.Module):
    def __init__(self, c_in, c_out, k, stride, padding, dilation, affine=True):
        super().__init__()
        self.op = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_in, k, stride, padding, dilation=dilation, groups=c_in, bias=False),
            nn.Conv2d(c_in, c_out, 1, bias=False), nn.BatchNorm2d(c_out, affine=affine))

    def forward(self, x):
        return self.op(x)


class SepConv(nn.Module):
    def __init__(self, c_in, c_out, k, stride, padding, affine=True):
        super().__init__()
        self.op = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_in, k, stride, padding, groups=c_in, bias=False),
            nn.Conv2d(c_in, c_in, 1, bias=False), nn.BatchNorm2d(c_in, affine=affine),
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_in, k, 1, padding, groups=c_in, bias=False),
            nn.Conv2d(c_in, c_out, 1, bias=False), nn.BatchNorm2d(c_out, affine=affine))

    def forward(self, x):
        return self.op(x)


class Identity(nn.Module):
    def forward(self, x):
        return x


class Zero(nn.Module):
    def __init__(self, stride):
        super().__init__()
        self.stride = stride

    def forward(self, x):
        if self.stride == 1:
            return x.mul(0.)
        return x[:, :, ::self.stride, ::self.stride].mul(0.)


class FactorizedReduce(nn.Module):
    def __init__(self, c_in, c_out, affine=True):
        super().__init__()
        self.relu = nn.ReLU(inplace=False)
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.bn = nn.BatchNorm2d(c_out, affine=affine)

    def forward(self, x):
        x = self.relu(x)
        return self.bn(torch.cat([self.conv_1(x), self.conv_2(x[:, :, 1:, 1:])], dim=1))


OPS = {
    'none': lambda c, s: Zero(s),
    'avg_pool_3x3': lambda c, s: nn.AvgPool2d(3, stride=s, padding=1, count_include_pad=False),
    'max_pool_3x3': lambda c, s: nn.MaxPool2d(3, stride=s, padding=1),
    'skip_connect': lambda c, s: Identity() if s == 1 else FactorizedReduce(c, c),
    'sep_conv_3x3': lambda c, s: SepConv(c, c, 3, s, 1),
    'sep_conv_5x5': lambda c, s: SepConv(c, c, 5, s, 2),
    'dil_conv_3x3': lambda c, s: DilConv(c, c, 3, s, 2, 2),
    'dil_conv_5x5': lambda c, s: DilConv(c, c, 5, s, 4, 2),
}

DARTS_V2 = {
    'normal': [('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1),
               ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)],
    'normal_concat': [2, 3, 4, 5],
    'reduce': [('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1),
               ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)],
    'reduce_concat': [2, 3, 4, 5],
}


def drop_path(x, p):
    # in place, as DARTS' utils.drop_path
    keep = 1. - p
    mask = torch.empty(x.size(0), 1, 1, 1, dtype=x.dtype).bernoulli_(keep)
    x.div_(keep)
    x.mul_(mask)
    return x


class Cell(nn.Module):
    def __init__(self, g, c_pp, c_p, c, reduction, reduction_prev):
        super().__init__()
        self.preprocess0 = FactorizedReduce(c_pp, c) if reduction_prev else ReLUConvBN(c_pp, c, 1, 1, 0)
        self.preprocess1 = ReLUConvBN(c_p, c, 1, 1, 0)
        edges = g['reduce'] if reduction else g['normal']
        self._concat = g['reduce_concat'] if reduction else g['normal_concat']
        self.multiplier = len(self._concat)
        self._indices = [i for _, i in edges]
        self._ops = nn.ModuleList([OPS[op](c, 2 if reduction and i < 2 else 1) for op, i in edges])

    def forward(self, s0, s1, drop_prob):
        states = [self.preprocess0(s0), self.preprocess1(s1)]
        for i in range(0, len(self._ops), 2):
            hs = []
            for j in (i, i + 1):
                op = self._ops[j]
                h = op(states[self._indices[j]])
                if self.training and drop_prob > 0. and not isinstance(op, Identity):
                    h = drop_path(h, drop_prob)
                hs.append(h)
            states.append(hs[0] + hs[1])
        return torch.cat([states[i] for i in self._concat], dim=1)


class AuxiliaryHeadCIFAR(nn.Module):
    def __init__(self, c, classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.ReLU(inplace=True), nn.AvgPool2d(5, stride=3, padding=0, count_include_pad=False),
            nn.Conv2d(c, 128, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU(inplace=True),
            nn.Conv2d(128, 768, 2, bias=False), nn.BatchNorm2d(768), nn.ReLU(inplace=True))
        self.classifier = nn.Linear(768, classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


class DartsNetwork(nn.Module):
    def __init__(self, g, cells, channels, classes, auxiliary, drop_path_prob):
        super().__init__()
        self.drop_path_prob = drop_path_prob
        self._aux_at = 2 * cells // 3
        stem_c = 3 * channels
        self.stem = nn.Sequential(nn.Conv2d(3, stem_c, 3, padding=1, bias=False), nn.BatchNorm2d(stem_c))
        c_pp, c_p, c = stem_c, stem_c, channels
        reduction_prev = False
        cell_list = []
        for i in range(cells):
            reduction = i in (cells // 3, 2 * cells // 3)
            if reduction:
                c *= 2
            cell = Cell(g, c_pp, c_p, c, reduction, reduction_prev)
            cell_list.append(cell)
            reduction_prev = reduction
            c_pp, c_p = c_p, cell.multiplier * c
            if i == self._aux_at:
                c_aux = c_p
        self.cells = nn.ModuleList(cell_list)
        self.auxiliary_head = AuxiliaryHeadCIFAR(c_aux, classes) if auxiliary else None
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_p, classes)

    def forward(self, x):
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1, self.drop_path_prob)
        return self.classifier(self.global_pooling(s1).flatten(1))

# ---- NAS-Bench-Macro ----


class MBConv(nn.Module):
    def __init__(self, c_in, c_out, k, stride, e):
        super().__init__()
        hidden = round(c_in * e)
        self.expand = nn.Sequential(nn.Conv2d(c_in, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU(inplace=True))
        self.depthwise = nn.Sequential(nn.Conv2d(hidden, hidden, k, stride, k // 2, groups=hidden, bias=False),
                                       nn.BatchNorm2d(hidden), nn.ReLU(inplace=True))
        self.project = nn.Sequential(nn.Conv2d(hidden, c_out, 1, bias=False), nn.BatchNorm2d(c_out))
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x):
        y = self.project(self.depthwise(self.expand(x)))
        return y + x if self.residual else y


class MacroNetwork(nn.Module):
    def __init__(self, arch, classes=10, channels=32):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels),
                                  nn.ReLU(inplace=True))
        layers, c, k = [], channels, 0
        for n in (2, 3, 3):
            for i in range(n):
                stride, c_out = (2, 2 * c) if i == 0 else (1, c)
                choice = arch[k]
                k += 1
                if choice == '1':
                    layers.append(MBConv(c, c_out, 3, stride, 3))
                elif choice == '2':
                    layers.append(MBConv(c, c_out, 5, stride, 6))
                elif stride == 1 and c == c_out:
                    layers.append(Identity())
                else:
                    layers.append(nn.Sequential(nn.Conv2d(c, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out)))
                c = c_out
        self.features = nn.Sequential(*layers)
        self.out = nn.Sequential(nn.Conv2d(c, 1280, 1, bias=False), nn.BatchNorm2d(1280), nn.ReLU(inplace=True))
        self.classifier = nn.Linear(1280, classes)

    def forward(self, x):
        return self.classifier(self.out(self.features(self.stem(x))).mean((2, 3)))

# ---- the benchmark ----


def plain_cnn(classes=10):
    def block(c_in, c_out):
        return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True),
                nn.MaxPool2d(2)]
    return nn.Sequential(*block(3, 32), *block(32, 64), *block(64, 128), nn.Flatten(), nn.Linear(128 * 4 * 4, classes))


def build(name):
    if name == 'plain_cnn':
        return plain_cnn()
    if name == 'darts_v2':
        return DartsNetwork(DARTS_V2, 8, 16, 10, False, 0.2)
    if name == 'macro_22222222':
        return MacroNetwork('22222222')
    raise SystemExit(f"unknown network '{name}'")


def count(m, skip_aux=False):
    return sum(p.numel() for n, p in m.named_parameters() if not (skip_aux and 'auxiliary' in n))


def print_params():
    v2 = DartsNetwork(DARTS_V2, 20, 36, 10, True, 0.2)
    out = {'darts_v2_20x36_aux_total': count(v2), 'darts_v2_20x36_without_aux': count(v2, skip_aux=True)}
    for a in ('00000000', '11111111', '22222222', '22212220'):
        out['macro_' + a] = count(MacroNetwork(a))
    print(json.dumps(out))


class Step:
    def __init__(self, net, x, y, lr=0.01, momentum=0.9, synchronize=False):
        self.net, self.x, self.y = net.train(), x, y
        self.synchronize = synchronize
        # torch.optim.SGD's update, as a PyTorch user runs it (buf = m*buf + g; p -= lr*buf)
        self.opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum)

    def run(self):
        t0 = time.perf_counter()
        self.opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(self.net(self.x), self.y)
        loss.backward()
        self.opt.step()
        if self.synchronize:
            torch.cuda.synchronize()
        return (time.perf_counter() - t0) * 1000


def op_overhead_us(n):
    a, b = torch.tensor([1.]), torch.tensor([2.])
    t0 = time.perf_counter()
    for _ in range(n):
        torch.add(a, b)
    return (time.perf_counter() - t0) * 1e6 / n


def serve(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    step = None
    if args.network != 'op':
        x = torch.randn(args.batch, 3, 32, 32, device=args.device)
        y = torch.randint(0, 10, (args.batch,), device=args.device)
        step = Step(build(args.network).to(args.device), x, y, synchronize=args.device == 'cuda')

    def send(o):
        sys.stdout.write(json.dumps(o) + '\n')
        sys.stdout.flush()

    send({'ready': True})
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        cmd, n = parts[0], int(parts[1]) if len(parts) > 1 else 1
        if cmd == 'steps' and step is not None:
            send({'times': [step.run() for _ in range(n)]})
        elif cmd == 'overhead':
            send({'us': op_overhead_us(n)})
        elif cmd == 'quit':
            r = resource.getrusage(resource.RUSAGE_SELF)
            send({'maxRssMb': r.ru_maxrss / 1024, 'cpuS': r.ru_utime + r.ru_stime})
            return
        else:
            send({'error': f"unknown command '{line.strip()}'"})


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--network', default='op')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    p.add_argument('--params', action='store_true')
    args = p.parse_args()
    if args.params:
        print_params()
    else:
        serve(args)


if __name__ == '__main__':
    main()
