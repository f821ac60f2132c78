/** How the app names the random-weight fixture models wherever it shows which models a run uses. */
export const FIXTURES_LABEL = 'fixture models (random weights: a plumbing check, not a result)';
