// neardup — find near-duplicate essays. The umbrella header: every public stage.
//
// The pipeline, one header per stage (and the layer of lib/ that implements it):
//   normalize.hpp     UTF-8 → normalized code points (NFKC, case folding,         text
//                     Traditional→Simplified, pinyin and web clean-up)
//   shingle.hpp       code points → hashed character (or word) n-grams            sketch
//   minhash.hpp       shingles → MinHash signature (one-permutation or classic)   sketch
//   signature.hpp     the three above for one document                            sketch
//   lsh.hpp           signatures → band keys → candidate pairs                    sketch
//   verify.hpp        candidate pairs → measured similar pairs                    match
//   cluster.hpp       similar pairs → clusters                                    match
//   deduplicator.hpp  all of it in one call                                       match
// Reading and reporting corpora:
//   corpus.hpp, encoding.hpp, split.hpp, jsonl.hpp, load.hpp                      corpus
//   report.hpp, output.hpp                                                        report
//   pipeline.hpp (paths in, clusters out)                                         pipeline
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
#include "neardup/pipeline_share.hpp"
#include "neardup/report.hpp"
#include "neardup/shingle.hpp"
#include "neardup/signature.hpp"
#include "neardup/split.hpp"
#include "neardup/verify.hpp"
#include "neardup/version.hpp"
