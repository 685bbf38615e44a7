// compare — how similar are two texts? Prints the MinHash estimate and the exact Jaccard
// similarity of their shingle sets. The library quick start of the README.
#include <neardup/neardup.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: compare FILE1 FILE2\n";
    return 2;
  }
  try {
    // Files in UTF-8, GB18030 or Big5 (detected), each compared as one text.
    std::string const a = neardup::decode_to_utf8(neardup::read_file(argv[1])).utf8;
    std::string const b = neardup::decode_to_utf8(neardup::read_file(argv[2])).utf8;

    neardup::document_signer signer;  // NFKC, case and script folding; 5-grams; 128 permutations
    double const estimate = neardup::estimate_jaccard(signer.sign(a), signer.sign(b));
    double const exact = neardup::exact_jaccard(signer.shingle_set(a), signer.shingle_set(b));

    std::cout << "estimated similarity " << estimate << "\n"
              << "exact similarity     " << exact << "\n";
    return 0;
  } catch (neardup::error const& e) {
    std::cerr << "compare: " << e.what() << "\n";
    return 2;
  }
}
