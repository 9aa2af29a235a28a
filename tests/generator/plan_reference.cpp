#include "tests/generator/plan_reference.h"

#include <cstdlib>

namespace stressql::testing {

using parser::Segment;
using parser::ValueType;

namespace {
// Backslashes at the end of `text`.
size_t trailing_backslashes(const std::string& text) {
  size_t n = 0;
  while (n < text.size() && text[text.size() - 1 - n] == '\\') ++n;
  return n;
}
}  // namespace

std::string ref_escape_key(const std::string& s, bool ends_value) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r') c = ' ';
    if (c == ',' || c == '=' || c == ' ') {
      // A separator after an odd run of backslashes would pair with the last of them.
      if (trailing_backslashes(out) % 2 == 1) out += '\\';
      out += '\\';
    }
    out += c;
  }
  if (ends_value && trailing_backslashes(out) % 2 == 1) out += '\\';
  return out;
}

std::string ref_escape_string_field(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r') c = ' ';
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

namespace {

uint64_t cardinality(const Segment& s) {
  if (s.kind == Segment::Kind::kList) return s.list.items.size();
  if (s.kind == Segment::Kind::kGenerator) return s.generator.count;
  return 1;
}

struct Builder {
  RefLine line;
  void text(const std::string& t) {
    if (line.text.empty()) line.text.emplace_back();
    line.text.back() += t;
  }
  void hole(const Hole& h) {
    if (line.text.empty()) line.text.emplace_back();
    line.holes.push_back(h);
    line.text.emplace_back();
  }
  // inc values are predictable; rand values become holes.
  void gen(const parser::Generator& g, int tmpl, uint64_t index) {
    if (g.fn == parser::ValueFn::kInc) {
      text(std::to_string(g.arg + static_cast<int64_t>(index)));
    } else {
      hole({tmpl, g.type, g.arg, index, g.count > 0});
    }
  }
};

}  // namespace

RefLine reference_line(const parser::InsertStmt& stmt, int64_t unit_ns, int64_t start_ns,
                       uint64_t k) {
  uint64_t series = 1;
  for (const auto& tag : stmt.tags)
    for (const auto& seg : tag.value) series *= cardinality(seg);
  uint64_t s = k % series, t = k / series;
  // Digits of s, last template fastest.
  std::vector<uint64_t> digits;
  std::vector<uint64_t> radix;
  for (const auto& tag : stmt.tags)
    for (const auto& seg : tag.value)
      if (seg.kind != Segment::Kind::kLiteral) radix.push_back(cardinality(seg));
  digits.resize(radix.size());
  for (size_t d = radix.size(); d-- > 0;) {
    digits[d] = s % radix[d];
    s /= radix[d];
  }
  Builder b;
  b.text(stmt.measurement);
  int tmpl = 0;
  size_t dim = 0;
  for (const auto& tag : stmt.tags) {
    b.text(",");
    b.text(tag.key);
    b.text("=");
    for (const auto& seg : tag.value) {
      if (seg.kind == Segment::Kind::kLiteral) {
        b.text(seg.literal);
        continue;
      }
      uint64_t digit = digits[dim++];
      if (seg.kind == Segment::Kind::kList)
        b.text(ref_escape_key(seg.list.items[digit], &seg == &tag.value.back()));
      else b.gen(seg.generator, tmpl, digit);
      ++tmpl;
    }
  }
  for (size_t i = 0; i < stmt.fields.size(); ++i) {
    const auto& f = stmt.fields[i];
    b.text(i == 0 ? " " : ",");
    b.text(f.key);
    b.text("=");
    const Segment& seg = f.value.front();
    if (seg.kind == Segment::Kind::kLiteral) {
      b.text(seg.literal);
      continue;
    }
    if (seg.kind == Segment::Kind::kList) {
      b.text("\"");
      b.text(ref_escape_string_field(seg.list.items[k % seg.list.items.size()]));
      b.text("\"");
      ++tmpl;
      continue;
    }
    const parser::Generator& g = seg.generator;
    uint64_t index = g.count > 0 ? k % g.count : t;
    if (g.type == ValueType::kStr) b.text("\"");
    b.gen(g, tmpl, index);
    if (g.type == ValueType::kStr) b.text("\"");
    if (g.type == ValueType::kInt) b.text("i");
    ++tmpl;
  }
  __int128 ns = static_cast<__int128>(start_ns) + static_cast<__int128>(t) * stmt.interval_ns;
  __int128 q = ns / unit_ns;
  if (q * unit_ns > ns) --q;
  b.text(" ");
  b.text(std::to_string(static_cast<int64_t>(q)));
  b.text("\n");
  return b.line;
}

std::string LineMatcher::match(const RefLine& ref, const std::string& actual) {
  size_t pos = 0;
  for (size_t i = 0; i < ref.text.size(); ++i) {
    const std::string& want = ref.text[i];
    if (actual.compare(pos, want.size(), want) != 0)
      return "text '" + want + "' expected at byte " + std::to_string(pos) + " of " + actual;
    pos += want.size();
    if (i == ref.holes.size()) break;
    const Hole& h = ref.holes[i];
    size_t start = pos;
    if (h.type == ValueType::kStr) {
      for (int64_t c = 0; c < h.arg; ++c, ++pos)
        if (pos >= actual.size() || !((actual[pos] >= '0' && actual[pos] <= '9') ||
                                      (actual[pos] >= 'a' && actual[pos] <= 'z')))
          return "bad str rand char at byte " + std::to_string(pos) + " of " + actual;
    } else {
      while (pos < actual.size() &&
             ((actual[pos] >= '0' && actual[pos] <= '9') ||
              (h.type == ValueType::kFloat && actual[pos] == '.')))
        ++pos;
      if (pos == start) return "no number at byte " + std::to_string(pos) + " of " + actual;
      double v = std::strtod(actual.substr(start, pos - start).c_str(), nullptr);
      if (v < 0 || v >= static_cast<double>(h.arg))
        return "value out of range [0, " + std::to_string(h.arg) + ") in " + actual;
    }
    std::string value = actual.substr(start, pos - start);
    auto [it, fresh] = seen_.try_emplace({h.tmpl, h.index}, value);
    if (!fresh && it->second != value)
      return "template " + std::to_string(h.tmpl) + " index " + std::to_string(h.index) +
             " was '" + it->second + "', now '" + value + "'";
    if (h.bounded) {
      auto [it2, fresh2] = seen_text_.try_emplace({h.tmpl, value}, h.index);
      if (!fresh2 && it2->second != h.index)
        return "template " + std::to_string(h.tmpl) + " repeats '" + value + "'";
    }
  }
  if (pos != actual.size()) return "trailing bytes in " + actual;
  return "";
}

}  // namespace stressql::testing
