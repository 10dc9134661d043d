// Tallies what `eval` reports for one image set (generated or real): the classifier's
// accuracy against the intended labels, overall and per class, and the Fréchet distance
// of the set's classifier features to a reference Gaussian (the test split's).
#pragma once
#include <cstdint>
#include <vector>

#include "core/eval/classifier.h"
#include "core/eval/frechet.h"

namespace vs::eval {

struct ClassTally {
  int64_t count = 0, correct = 0;
  double accuracy() const { return count ? double(correct) / double(count) : 0.0; }
};

struct QualityReport {
  std::vector<ClassTally> per_class;
  ClassTally overall;
  double frechet = 0;   // to the reference Gaussian
  int64_t images = 0;
};

class QualityMeter {
 public:
  QualityMeter(int num_classes, int feature_dim);
  // One classified batch and the labels its images were meant to have (B).
  void add(const ClassifierOutput& output, const std::vector<int64_t>& labels);
  // Needs at least 2 images. Throws vs::Error otherwise.
  QualityReport finish(const Gaussian& reference) const;

 private:
  int feature_dim_;
  std::vector<ClassTally> per_class_;
  std::vector<float> features_;  // (images, feature_dim) row-major
};

}  // namespace vs::eval
