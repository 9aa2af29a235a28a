// parse_script(): splits the source into blocks, parses each one, then runs the
// checks that need the whole script (QUERY names against INSERT names).
#include "parser/parser.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "base/random.h"
#include "parser/block_splitter.h"
#include "parser/statement_parser.h"
#include "parser/text.h"

namespace stressql::parser {
namespace {

// splitmix64: tiny, seedable, and good enough to make IDs that look random.
class IdGenerator {
 public:
  explicit IdGenerator(uint64_t seed) : random_(seed != 0 ? seed : base::random_seed()) {}

  // 10 lowercase hex characters, never one handed out before by this generator.
  std::string next() {
    static const char kHex[] = "0123456789abcdef";
    while (true) {
      uint64_t v = random_.next() >> 24;  // 40 bits
      if (!used_.insert(v).second) continue;
      std::string id(10, '0');
      for (int i = 9; i >= 0; --i, v >>= 4) id[static_cast<size_t>(i)] = kHex[v & 15];
      return id;
    }
  }

 private:
  base::SplitMix64 random_;
  std::unordered_set<uint64_t> used_;
};

// SPEC §1: a script is UTF-8 text. Rejecting control bytes and invalid UTF-8 up front
// keeps raw garbage out of every later message and out of the requests.
bool check_bytes(const Block& block, Diagnostic* err) {
  static const char kHex[] = "0123456789abcdef";
  const std::string& t = block.text;
  for (size_t i = 0; i < t.size();) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        std::string hex = {'0', 'x', kHex[c >> 4], kHex[c & 15]};
        *err = {block.pos_at(i), "unexpected control byte " + hex + (c == 0 ? " (NUL)" : "") +
                                     "; expected UTF-8 text"};
        return false;
      }
      ++i;
      continue;
    }
    size_t n = utf8_sequence_length(t, i);
    if (n == 0) {
      std::string hex = {'0', 'x', kHex[c >> 4], kHex[c & 15]};
      *err = {block.pos_at(i), "invalid UTF-8 byte " + hex + "; expected UTF-8 text"};
      return false;
    }
    i += n;
  }
  return true;
}

std::string directory_of(std::string_view file) {
  size_t slash = file.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(file.substr(0, slash));
}

}  // namespace

ParseResult parse_script(std::string_view file, std::string_view source,
                         const ParseOptions& options) {
  ParseResult result;
  result.script.file = std::string(file);
  result.script.directory = directory_of(file);
  IdGenerator ids(options.id_seed);
  Settings settings;
  std::unordered_set<std::string> insert_names;
  std::vector<std::string> insert_order;  // for messages, broken INSERTs included
  struct TemplatedQuery {
    std::string name;
    SourcePos pos;
  };
  std::vector<TemplatedQuery> templated;

  // Past the limit the file is almost surely not a script: stop rather than produce
  // millions of messages nobody reads. Returns false once parsing should stop.
  auto add_error = [&](Diagnostic d) {
    if (result.errors.size() >= options.max_errors) {
      result.errors.push_back({d.pos, "too many errors (more than " +
                                          std::to_string(options.max_errors) +
                                          "); stopped checking here"});
      return false;
    }
    result.errors.push_back(std::move(d));
    return true;
  };
  // Reserving address space is free until it is touched; growing a vector of 100k
  // statements by doubling is not (every step copies into fresh pages).
  size_t max_blocks = static_cast<size_t>(std::count(source.begin(), source.end(), '\n')) / 2 + 1;
  result.script.statements.reserve(std::min<size_t>(max_blocks, 1 << 20));
  result.snapshot_of.reserve(std::min<size_t>(max_blocks, 1 << 20));
  BlockSplitter splitter(source);
  Block block;
  while (splitter.next(&block)) {
    Diagnostic err;
    if (!check_bytes(block, &err)) {
      if (!add_error(std::move(err))) break;
      continue;
    }
    Statement st;
    BlockNotes notes;
    bool ok = parse_statement(block, &settings, &st, &notes, &err);
    if (!notes.insert_name.empty() && insert_names.insert(notes.insert_name).second) {
      insert_order.push_back(notes.insert_name);
    }
    if (!ok) {
      if (!add_error(std::move(err))) break;
      continue;
    }
    if (const auto* q = std::get_if<QueryStmt>(&st.body); q && q->vars != 0) {
      templated.push_back({q->name, notes.query_name_pos});
    }
    st.id = ids.next();
    bool is_set = std::holds_alternative<SetStmt>(st.body);
    result.script.statements.push_back(std::move(st));
    result.snapshot_of.push_back(static_cast<uint32_t>(result.snapshots.size() - 1));
    if (is_set) result.snapshots.push_back(settings);
  }

  for (const TemplatedQuery& q : templated) {
    if (insert_names.count(q.name)) continue;
    const std::vector<std::string>& have = insert_order;
    std::string listed;
    for (size_t i = 0; i < have.size() && i < 5; ++i) {
      listed += (i ? ", '" : "'") + quote_snippet(have[i]) + "'";
    }
    if (have.size() > 5) listed += ", ...";
    result.errors.push_back(
        {q.pos, "QUERY '" + quote_snippet(q.name) +
                    "' uses query variables (%m %f %t %a) but no INSERT is named '" +
                    quote_snippet(q.name) + "'; expected an INSERT with the same name" +
                    (have.empty() ? std::string(" (the script has none)")
                                  : " (INSERTs: " + listed + ")")});
  }
  std::stable_sort(
      result.errors.begin(), result.errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return a.pos.line != b.pos.line ? a.pos.line < b.pos.line : a.pos.column < b.pos.column;
      });
  return result;
}

}  // namespace stressql::parser
