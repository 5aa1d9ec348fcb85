"""Network snapshots taken during training: in memory up to a budget, beyond it on disk.

HistoryAD (Chatillon & Ballester 2020, §4.2) saves the generator and the critic "at
regular intervals (50 times per epoch)" of WGAN-GP training. :class:`SnapshotSchedule`
is an ``on_step_end`` hook of :meth:`ganad.training.AdversarialTrainer.fit` that hands
the networks' states to a :class:`SnapshotStore` each time the training time (in
epochs) passes a multiple of ``1 / saves_per_epoch``.

The store keeps snapshots in memory while their total size stays within
``memory_budget`` bytes; each later one is written to its own safetensors file (tensors
only, no pickle) in a temporary folder of its own (inside ``folder`` when one is given), and
read back on demand. So the memory footprint is bounded by the budget whatever the number of
snapshots. The store owns its files: :meth:`SnapshotStore.close` (or garbage
collection) deletes them, and the temporary folder it made; a copy (``copy.deepcopy``, pickle)
holds every snapshot in memory.
"""

import math
import shutil
import tempfile
import weakref
from pathlib import Path

from safetensors.torch import load_file, save_file

from ..utils.atomic import atomic_path

_SEPARATOR = "/"  # between a network's name and a state_dict key, which holds dots
_EPS = 1e-9  # float slack on training times computed as epoch + batch / n_batches


class SnapshotStore:
    """Named ``state_dict`` s at training times ``times``, indexed 0, 1, ... in order of addition."""

    def __init__(self, *, memory_budget, folder=None):
        if memory_budget < 0:
            raise ValueError(f"memory_budget must be >= 0 bytes, got {memory_budget!r}")
        self.memory_budget = memory_budget
        self.times = []
        self.memory_bytes = 0
        self.disk_bytes = 0
        self._in_memory = {}  # index -> flat {name/key: tensor}
        self._files = {}  # index -> Path
        self._folder = None if folder is None else Path(folder)
        self._temporary = []  # the temporary folder, once made
        self._finalizer = weakref.finalize(self, _remove, self._files, self._temporary)

    def __len__(self):
        return len(self.times)

    def add(self, time, states):
        """Store ``states`` (name -> ``state_dict``) as the snapshot at training time ``time``."""
        flat = {f"{name}{_SEPARATOR}{key}": value.detach().to("cpu", copy=True).contiguous()
                for name, state in states.items() for key, value in state.items()}
        size = sum(t.numel() * t.element_size() for t in flat.values())
        index = len(self.times)
        if self.memory_bytes + size <= self.memory_budget:
            self._in_memory[index] = flat
            self.memory_bytes += size
        else:
            path = self._spill_folder() / f"snapshot-{index:06d}.safetensors"
            with atomic_path(path) as tmp:
                save_file(flat, tmp)
            self._files[index] = path
            self.disk_bytes += size
        self.times.append(float(time))

    def state(self, index, name):
        """The ``state_dict`` of network ``name`` in snapshot ``index`` (CPU tensors; -1 is the last)."""
        flat = self._flat(range(len(self))[index])
        prefix = f"{name}{_SEPARATOR}"
        return {key[len(prefix):]: value for key, value in flat.items() if key.startswith(prefix)}

    def __getstate__(self):
        """What a copy (``copy.deepcopy``, pickle) holds: every snapshot in memory. The files stay this
        store's, deleted with it, so a copy that pointed at them would lose them."""
        state = {name: value for name, value in vars(self).items() if name != "_finalizer"}
        state.update(_in_memory={index: self._flat(index) for index in range(len(self))}, _files={}, _temporary=[],
                     _folder=None, memory_bytes=self.memory_bytes + self.disk_bytes, disk_bytes=0)
        return state

    def __setstate__(self, state):
        vars(self).update(state)
        self._finalizer = weakref.finalize(self, _remove, self._files, self._temporary)

    def on_disk(self, index):
        """True when snapshot ``index`` was spilled to a file."""
        return index in self._files

    def _flat(self, index):
        """Snapshot ``index`` as one flat ``{name/key: tensor}``, read from its file when spilled."""
        flat = self._in_memory.get(index)
        return load_file(self._files[index], device="cpu") if flat is None else flat

    def close(self):
        """Delete the spilled files (and the temporary folder); in-memory snapshots are kept."""
        self._finalizer()

    def _spill_folder(self):
        """This store's own folder for its files, made on the first spill: a temporary folder, inside
        ``folder`` when one was given, so that two stores given one ``folder`` never share a file name."""
        if not self._temporary:
            if self._folder is not None:
                self._folder.mkdir(parents=True, exist_ok=True)
            self._temporary.append(Path(tempfile.mkdtemp(prefix="ganad-snapshots-", dir=self._folder)))
        return self._temporary[0]


def _remove(files, temporary):
    for path in files.values():
        path.unlink(missing_ok=True)
    for folder in temporary:
        shutil.rmtree(folder, ignore_errors=True)


class SnapshotSchedule:
    """``on_step_end`` hook: snapshot ``modules`` ``saves_per_epoch`` times per epoch from ``start``.

    A snapshot is taken at the first step whose training time reaches each multiple of
    ``1 / saves_per_epoch`` (one per step at most, when an epoch has fewer steps than
    saves) and labelled with that step's time. Times before ``start`` are skipped.
    """

    def __init__(self, store, modules, *, saves_per_epoch, start=0.0):
        if saves_per_epoch <= 0:
            raise ValueError(f"saves_per_epoch must be > 0, got {saves_per_epoch!r}")
        self.store = store
        self.modules = modules  # name -> nn.Module
        self.saves_per_epoch = saves_per_epoch
        self.start = start
        self.due = 0  # multiples of 1 / saves_per_epoch passed so far

    def __call__(self, progress, trainer=None):
        due = math.floor(progress * self.saves_per_epoch + _EPS)
        if due <= self.due:
            return
        self.due = due
        if progress >= self.start - _EPS:
            self.store.add(progress, {name: module.state_dict() for name, module in self.modules.items()})
