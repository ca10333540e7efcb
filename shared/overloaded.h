#pragma once
// Overloaded{[](const A&) {...}, [](const B&) {...}}: one visitor for std::visit made of one
// lambda per alternative.

namespace bp {

template <typename... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <typename... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace bp
