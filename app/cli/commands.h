#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

namespace vs::cli {

// "--key value" and "--flag" arguments. Every getter marks the key as used; finish()
// rejects unknown or unused flags so a typo never passes silently.
class Args {
 public:
  Args(int argc, char** argv);
  bool flag(const std::string& name);  // --name without a value
  std::string get(const std::string& name, const std::string& fallback);
  std::string require(const std::string& name);
  double get_double(const std::string& name, double fallback, double min_value, double max_value);
  long get_int(const std::string& name, long fallback, long min_value, long max_value);
  // The index-th bare word (e.g. "attention" in "bench attention"); "" if absent.
  std::string positional(size_t index);
  bool has(const std::string& name) const { return values_.count(name) || flags_.count(name); }
  // The value of --name without marking it used (null when absent), for checks made
  // before the command runs.
  const std::string* peek(const std::string& name) const {
    const auto it = values_.find(name);
    return it == values_.end() ? nullptr : &it->second;
  }
  void finish() const;  // throws vs::Error on any argument never asked for

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  mutable std::set<std::string> used_;
};

std::string usage();
int run_command(const std::string& command, Args& args);

int command_attention(Args& args);
int command_threshold(Args& args);
int command_bench(Args& args);
int command_demo(Args& args);
// Model commands, one file each, over core/generator for both families.
int command_generate(Args& args);
int command_replay(Args& args);
int command_encode(Args& args);
int command_edit(Args& args);  // zero-shot in-/out-painting and class editing
int command_inspect(Args& args);
int command_criterion(Args& args);  // the bounded-entry criterion over a whole model
int bench_generate(Args& args);  // `bench generate`
int bench_attention(Args& args);  // `bench attention`
int command_eval(Args& args);     // quality of a Fashion-MNIST generator
int command_pareto(Args& args);   // acceleration methods × attention variants: speed and quality
int command_calibrate(Args& args);  // window widths keeping a share of softmax mass (LiteVAR)

}  // namespace vs::cli
