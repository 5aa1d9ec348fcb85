"""The latent searches' settings on one trained GAN, scored on training data only (issue 14).

AnoGAN and ADGAN score a query by a search of one generator's latent space; adgan-t2 trains
that generator once (ADGAN's, ``gan_from = "adgan"``) and scores it with both. This script
asks what limits each search with the GAN held fixed:

* an image cell's training images (``defaults_quality.training_cell``, ``--image-train`` of them,
  3,000 as adgan-t2's cpu budget) are split 80/20 (``defaults_validation.validation_split``);
* ADGAN is fitted on the 80 % with ``--gan-params`` (default: the GAN of adgan-t2's cpu budget
  when the searches were diagnosed, WGAN-GP for 120 epochs at DCGAN width 32; the budget now
  trains 320) and saved under ``--model`` (loaded when it exists);
* each variant (``--variants``, JSON: ``"method"`` ``anogan`` or ``adgan`` plus constructor
  overrides) is built on that GAN (``from_gan``, no training) and scores the 20 % held out
  against as many training images of the other classes (``other_class_images``);
* one line per variant: the validation AUROC, the mean score of the held-out normals and of
  the other-class images, and the scoring seconds.

No test image is read.

    PYTHONPATH=src:benchmarks python benchmarks/search_validation.py --cell mnist:2 \\
        --variants '{"method": "anogan"}' '{"method": "anogan", "search_learning_rate": 0.05}'
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

import defaults_quality
from defaults_quality import training_cell
from defaults_validation import other_class_images, validation_split
from ganad import ADGAN, AnoGAN, load
from ganad.metrics import auroc

SEARCHERS = {"anogan": AnoGAN, "adgan": ADGAN}
ADGAN_T2_CPU_BEFORE = {"gan": "wgan-gp", "n_epochs": 120, "conv_width": 32}  # the diagnosed GAN (docstring)
FIT_ROWS = 20  # default rows the variant's fit sees: its offset_ (predict's threshold, unused here)


def trained_gan(X_fit, image_shape, params, path, seed):
    """ADGAN fitted on ``X_fit`` with ``params`` (its GAN is what the variants search), cached at ``path``."""
    if path.exists():
        return load(path, device="cpu")
    gan = ADGAN(image_shape=image_shape, device="cpu", random_state=seed, **params).fit(X_fit)
    gan.save(path)
    return gan


def validation_scores(gan, variant, X_fit, X_normal, X_anomalous, seed, fit_rows=FIT_ROWS):
    """``(AUROC, mean normal score, mean anomalous score, seconds)`` of one search variant on ``gan``.

    The variant's ``fit`` sees the first ``fit_rows`` of ``X_fit``; a score fitted on the training rows
    (``score_type="critic"``: the critic's training range) needs them all."""
    params = dict(variant)
    searcher = SEARCHERS[params.pop("method")].from_gan(gan, random_state=seed, **params).fit(X_fit[:fit_rows])
    start = time.perf_counter()
    normal, anomalous = searcher.anomaly_score(X_normal), searcher.anomaly_score(X_anomalous)
    seconds = time.perf_counter() - start
    labels = np.r_[np.zeros(len(normal)), np.ones(len(anomalous))]
    return auroc(labels, np.r_[normal, anomalous]), float(normal.mean()), float(anomalous.mean()), seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cell", default="mnist:2")
    parser.add_argument("--variants", nargs="+", type=json.loads, default=[{"method": "anogan"}, {"method": "adgan"}])
    parser.add_argument("--gan-params", type=json.loads, default=ADGAN_T2_CPU_BEFORE)
    parser.add_argument("--image-train", type=int, default=3000)
    parser.add_argument("--model", type=Path, help="where the trained GAN is saved (default: a name from the cell)")
    parser.add_argument("--fit-rows", type=int, default=FIT_ROWS,
                        help="training rows each variant's fit sees (all of them for score_type critic's range)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    defaults_quality.IMAGE_TRAIN = args.image_train
    X_train, image_shape = training_cell(args.cell, args.seed, args.data_dir)
    X_fit, X_normal, _ = validation_split(X_train, args.seed)
    X_anomalous = other_class_images(args.cell, len(X_normal), seed=args.seed, data_dir=args.data_dir)
    path = args.model or Path(f"search_validation_{args.cell.replace(':', '_')}_{args.seed}")
    gan = trained_gan(X_fit, image_shape, args.gan_params, path, args.seed)
    for variant in args.variants:
        value, normal, anomalous, seconds = validation_scores(gan, variant, X_fit, X_normal, X_anomalous, args.seed,
                                                               args.fit_rows)
        print(json.dumps({"cell": args.cell, "variant": variant, "validation_auroc": round(value, 4),
                          "normal_score": normal, "anomalous_score": anomalous, "score_s": round(seconds, 1)}),
              flush=True)


if __name__ == "__main__":
    main()
