// neardup — find near-duplicate essays. The umbrella header: every public stage.
//
// The pipeline, one header per stage:
//   normalize.hpp   UTF-8 → normalized code points (NFKC, case folding, Traditional→Simplified,
//   ...) shingle.hpp     code points → hashed character (or word) n-grams minhash.hpp     shingles
//   → MinHash signature (one-permutation or classic) signature.hpp   the three above for one
//   document lsh.hpp         signatures → band keys → candidate pairs verify.hpp      candidate
//   pairs → measured similar pairs cluster.hpp     similar pairs → clusters deduplicator.hpp  all
//   of it in one call
// Reading and reporting corpora:
//   corpus.hpp, encoding.hpp, split.hpp, jsonl.hpp, load.hpp, report.hpp, output.hpp
#pragma once

#include "neardup/cluster.hpp"
#include "neardup/corpus.hpp"
#include "neardup/deduplicator.hpp"
#include "neardup/encoding.hpp"
#include "neardup/error.hpp"
#include "neardup/jsonl.hpp"
#include "neardup/load.hpp"
#include "neardup/lsh.hpp"
#include "neardup/minhash.hpp"
#include "neardup/normalize.hpp"
#include "neardup/output.hpp"
#include "neardup/pipeline.hpp"
#include "neardup/report.hpp"
#include "neardup/shingle.hpp"
#include "neardup/signature.hpp"
#include "neardup/split.hpp"
#include "neardup/verify.hpp"
#include "neardup/version.hpp"
