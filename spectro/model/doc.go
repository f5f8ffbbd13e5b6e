// Package model is SpectroGen-Go's cross-modal generator: a variational
// autoencoder whose decoder is physics — it emits K broadened lines (centre,
// width, height, shape) for the target modality and renders them differentiably
// on the target grid as a sum of Gaussian, Lorentzian, pseudo-Voigt or Voigt
// profiles. Every generated spectrum is therefore a sum of broadened lines, and
// its peak table is an output too.
//
// Files follow the stages: hparams.go (hyperparameters, held in the GoMLX
// context so flags, notebooks and checkpoints share one set), dataset.go
// (pairs → tensors), model.go (encoder, latent, physics decoder, losses),
// train.go (the training loop, checkpoints, resume, NaN guard, early stopping),
// generate.go (inference with an uncertainty band).
//
// # Architecture
//
// Per-modality encoders and decoders live in their own context scopes
// ("encoder/infrared", "decoder/raman", ...) around one latent space. Training a
// direction A → B fits encoder A and decoder B on the pairs (the cross term) and,
// with self_weight > 0, decoder A on the same latent (a self-reconstruction
// term that makes the latent describe the material, not only the target).
//
// A multi-modal model (hyperparameter modalities, e.g. "infrared,raman,xrd")
// trains every direction between its modalities in one run: the training
// dataset yields batches of one Direction each, in turn, and hands the
// direction to GoMLX as the batch's spec, so the trainer compiles one graph per
// direction and each step updates that direction's encoder and decoder only.
// With autoencode, each modality also reconstructs itself (A → A), which is
// how samples measured with one technique only take part. Generator.For picks
// a direction of a loaded model.
//
//	source spectrum (1024) ─┐
//	source peak vector ─────┴─ Dense → LayerNorm → Swish → Dense → Swish ─ μ, log σ² (latent)
//	z = μ + σ·ε  ─ Dense → Swish → Dense → Swish ─┬─ K centres, widths, heights, η → render on the target grid
//	                                             └─ residual head (small, bounded) ──────────────────── + → spectrum
//
// The pure-Go backend multiplies matrices in scalar Go, so the network is small
// (0.67 M parameters for infrared → Raman by default) and uses only operations that backend trains:
// Dense layers on rank-2 inputs, LayerNormalization, element-wise functions.
package model
