#!/usr/bin/env bash
# The README stays true: its property-test example is the compiled
# examples/signup_property_test.cc, its quickstart excerpt is what
# examples/signup prints, and its picture (docs/signup.svg) is what
# examples/signup draws now.
set -u
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail=0
readme=README.md
# The code block after the marker line.
awk '/^<!-- examples\/signup_property_test.cc -->$/ {found=1; next}
     found && /^```c\+\+$/ {inside=1; next}
     inside && /^```$/ {exit}
     inside {print}' "$readme" >"$tmp/block.cc"
if ! diff -u examples/signup_property_test.cc "$tmp/block.cc" >"$tmp/diff"; then
  echo "README's property test differs from examples/signup_property_test.cc:"; cat "$tmp/diff"; fail=1
fi
# The quickstart's excerpt, unindented, is part of the example's output.
excerpt=$(awk '/^    6 signups at once/ {inside=1} inside && /^$/ {n++; if (n == 2) exit}
               inside {print}' "$readme" | sed 's/^    //')
[[ -n "$excerpt" ]] || { echo "the README's quickstart excerpt is missing"; fail=1; }
examples/signup >"$tmp/signup.out"
if [[ "$(cat "$tmp/signup.out")" != *"$excerpt"* ]]; then
  echo "README's quickstart excerpt is not what examples/signup prints:"; echo "$excerpt"; fail=1
fi
examples/signup --svg="$tmp/signup.svg" >/dev/null
if ! cmp -s "$tmp/signup.svg" docs/signup.svg; then
  echo "docs/signup.svg is stale: ./bazelw run //examples:signup -- --svg=docs/signup.svg"; fail=1
fi
grep -q '^!\[.*\](docs/signup.svg)$' "$readme" || { echo "the README does not show docs/signup.svg"; fail=1; }
[[ $fail == 0 ]] && echo "README OK"
exit $fail
