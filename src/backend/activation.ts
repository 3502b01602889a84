/**
 * The hidden nonlinearity of the bias-free networks (docs/paper.md, "Setup"):
 * `relu`, the paper's, or `linear` (deep linear networks, the warm-up). The
 * output layer is always linear. Shared by every layer that runs or analyses
 * these networks (the float64 engine here, the escape solver, the trainer).
 */
export type Activation = 'relu' | 'linear';
