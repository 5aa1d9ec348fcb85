"""An adversarial trainer built from a detector's parameters and run: the wiring, written once.

Every adversarial training phase -- the GAN detectors' (``detectors.gan_base``), BiGAN's,
ALAD's and RCGAN's joint E/G training (``detectors.alice``), GANomaly's and the ring demo's
vanilla GAN (``cli.ring_demo``) -- is wired the same way, by :func:`train_adversarially`:
the trainer class's optimisers for both sides, a trainer handed its networks and optimisers
(STYLE principle 5), :meth:`~ganad.training.trainer.AdversarialTrainer.fit` for ``n_epochs``
epochs with the checkpoint settings and hooks, then the weights to score with
(:meth:`~ganad.training.trainer.AdversarialTrainer.final_weights`) and both sides in
evaluation mode. What differs from phase to phase -- the trainer class, the networks, the
seeded generator, the epochs, the objective's own settings -- is passed in.
"""

from .checkpoint import CHECKPOINT_HYPERPARAMETERS

# The training parameters read from a detector's parameters, and their values where it has none
# (the checkpoint parameters' own defaults, declared once in ``training.checkpoint``)
TRAINING_DEFAULTS = {"learning_rate": None, "n_critic": None, "verbose": 0,
                     **{name: p.default for name, p in CHECKPOINT_HYPERPARAMETERS.items()}}


def train_adversarially(trainer_class, generator, critic, data, n_epochs, *, params, rng, on_epoch_end=None,
                        on_step_end=None, **options):
    """Train ``generator`` against ``critic`` on ``data`` with a new ``trainer_class``; returns the history.

    Parameters
    ----------
    trainer_class : type
        A subclass of :class:`~ganad.training.trainer.AdversarialTrainer`; its
        ``make_optimizers`` builds both sides' optimisers.
    generator, critic : torch.nn.Module
        The networks, trained in place; they end in evaluation mode, holding the weights to
        score with (``trainer.final_weights()``).
    data : torch.Tensor
        The training rows.
    n_epochs : int
        Epochs in all (a resumed checkpoint's included).
    params : mapping
        The detector's parameters (``get_params()``). Read: ``batch_size``, and where present
        ``learning_rate`` (None: the trainer's default), ``n_critic`` (None:
        ``trainer_class.default_n_critic``), ``verbose``, ``checkpoint_path``,
        ``checkpoint_every`` and ``resume`` (absent: ``TRAINING_DEFAULTS``).
    rng : torch.Generator
        The seeded generator of all the trainer's noise.
    on_epoch_end, on_step_end : callable or None
        The hooks of :meth:`~ganad.training.trainer.AdversarialTrainer.fit`.
    **options
        Further arguments of ``trainer_class``: ``prior``, the objective's own settings.

    Returns
    -------
    history : ganad.training.history.TrainingHistory
    """
    settings = {name: params.get(name, default) for name, default in TRAINING_DEFAULTS.items()}
    generator_optimizer, critic_optimizer = trainer_class.make_optimizers(generator, critic, settings["learning_rate"])
    trainer = trainer_class(generator, critic, generator_optimizer=generator_optimizer,
                            critic_optimizer=critic_optimizer,
                            n_critic=settings["n_critic"] or trainer_class.default_n_critic,
                            batch_size=params["batch_size"], rng=rng, verbose=settings["verbose"], **options)
    history = trainer.fit(data, n_epochs, checkpoint_path=settings["checkpoint_path"],
                          checkpoint_every=settings["checkpoint_every"], resume=settings["resume"],
                          on_epoch_end=on_epoch_end, on_step_end=on_step_end)
    trainer.final_weights()
    generator.eval()
    critic.eval()
    return history
