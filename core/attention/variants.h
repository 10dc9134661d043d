// Factories of the concrete variants, one per file (exact.cpp, poly.cpp, ...). Each
// consumes its parameters from `params` and calls params.expect_all_used().
#pragma once
#include <memory>

#include "core/attention/attention.h"
#include "core/attention/spec_params.h"

namespace vs::attention {

std::unique_ptr<Variant> make_exact(SpecParams& params);      // exact
// poly:degree=G[:basis=taylor|chebyshev][:form=auto|plain|squared], poly:auto[:eps=E][:basis=…][:max_rank=R]
std::unique_ptr<Variant> make_poly(SpecParams& params);
std::unique_ptr<Variant> make_performer(SpecParams& params);  // performer:features=M[:seed=S]
std::unique_ptr<Variant> make_nystrom(SpecParams& params);    // nystrom:landmarks=M
std::unique_ptr<Variant> make_svd(SpecParams& params);        // svd:rank=R
// window:w=W[:w_prev=W][:exact=E][:prev=P][:shape=band|square][:logits=exclude|zero],
// window:widths=FILE[:logits=exclude|zero]
std::unique_ptr<Variant> make_window(SpecParams& params);

}  // namespace vs::attention
