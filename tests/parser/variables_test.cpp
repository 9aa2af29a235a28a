// Script variables (SPEC §7.2): substitution, arithmetic, and errors at the script's own
// positions.
#include "parser/variables.h"

#include <gtest/gtest.h>

namespace stressql::parser {
namespace {

std::string sub(std::string_view source, const Defines& d) {
  Substitution s;
  std::vector<Diagnostic> errors;
  EXPECT_TRUE(substitute_variables(source, d, &s, &errors))
      << (errors.empty() ? "" : errors[0].message);
  return s.text();
}

Diagnostic sub_error(std::string_view source, const Defines& d) {
  Substitution s;
  std::vector<Diagnostic> errors;
  EXPECT_FALSE(substitute_variables(source, d, &s, &errors));
  EXPECT_EQ(errors.size(), 1u);
  return errors.empty() ? Diagnostic{} : errors[0];
}

TEST(Variables, NamesDefaultsAndText) {
  Defines d{{"scale", "4"}, {"db", "My Db"}};
  EXPECT_EQ(sub("a ${scale} b ${db}", d), "a 4 b My Db");
  EXPECT_EQ(sub("${missing:-10s} ${scale:-9}", d), "10s 4");
  EXPECT_EQ(sub("${ scale }", d), "4");
  EXPECT_EQ(sub("$scale {x} $ {", d), "$scale {x} $ {");
  // A comment line keeps its text, so it may mention an undefined ${name}.
  EXPECT_EQ(sub("  # uses ${hosts}\nx ${scale}", d), "  # uses ${hosts}\nx 4");
}

// A --define that no ${...} mentions is reported (names in expressions and defaults count;
// comment lines and duration literals such as 10s do not).
TEST(Variables, UnusedDefinesAreTheNamesNoSubstitutionMentions) {
  const Defines d{{"scale", "4"}, {"duration", "1h"}, {"hours", "2"}, {"s", "x"}, {"db", "a"}};
  EXPECT_EQ(unused_defines("n ${scale * (duration / 10s)}\n# ${hours}\nd ${db:-x}\n", d),
            (std::vector<std::string>{"hours", "s"}));
  EXPECT_EQ(unused_defines("no variables at all\n", {{"scale", "1"}}), std::vector<std::string>{"scale"});
  EXPECT_TRUE(unused_defines("${scale}", {}).empty());
}

TEST(Variables, IntegerArithmetic) {
  Defines d{{"scale", "1000"}, {"duration", "1h"}, {"neg", "-3"}};
  EXPECT_EQ(sub("${scale * 360}", d), "360000");
  EXPECT_EQ(sub("${(scale + 2) * 3 - 6 / 4}", d), "3005");
  EXPECT_EQ(sub("${scale * (duration / 10s)}", d), "360000");
  EXPECT_EQ(sub("${duration * 2}", d), "2h");
  EXPECT_EQ(sub("${duration / 4}", d), "15m");
  EXPECT_EQ(sub("${1m30s + 30s}", d), "2m");
  EXPECT_EQ(sub("${-neg * -(2)}", d), "-6");
  EXPECT_EQ(sub("${7 / 2}", d), "3");
  // Defaults inside an expression.
  EXPECT_EQ(sub("${hosts:-10 * (duration:-2h / 10s)}", d), "3600");
  EXPECT_EQ(sub("${scale:-10 * (span:-1m / 10s)}", d), "6000");
  EXPECT_EQ(sub("${region:-us-east-1}", d), "us-east-1");
}

TEST(Variables, ErrorsPointAtTheScript) {
  Defines d{{"scale", "4"}, {"word", "abc"}};
  Diagnostic e = sub_error("line one\nINSERT x ${hosts} y", d);
  EXPECT_EQ(e.pos.line, 2);
  EXPECT_EQ(e.pos.column, 12);  // the name, after `${`
  EXPECT_NE(e.message.find("undefined variable 'hosts'"), std::string::npos) << e.message;

  e = sub_error("x ${scale * hosts}", d);
  EXPECT_EQ(e.pos.column, 13);
  EXPECT_NE(e.message.find("undefined variable 'hosts'"), std::string::npos) << e.message;

  e = sub_error("x ${word + 1}", d);
  EXPECT_NE(e.message.find("needs a whole number or a duration"), std::string::npos) << e.message;
  e = sub_error("x ${scale / 0}", d);
  EXPECT_NE(e.message.find("division by zero"), std::string::npos) << e.message;
  e = sub_error("x ${scale * 10s * 10s}", d);
  EXPECT_NE(e.message.find("multiply two durations"), std::string::npos) << e.message;
  e = sub_error("x ${scale + 1s}", d);
  EXPECT_NE(e.message.find("a number and a duration"), std::string::npos) << e.message;
  e = sub_error("x ${(scale + 1}", d);
  EXPECT_NE(e.message.find("expected ')'"), std::string::npos) << e.message;
  e = sub_error("x ${9223372036854775807 + 1}", d);
  EXPECT_NE(e.message.find("does not fit"), std::string::npos) << e.message;
  e = sub_error("x ${scale\ny}", d);
  EXPECT_EQ(e.pos.column, 3);
  EXPECT_NE(e.message.find("expected '}'"), std::string::npos) << e.message;
  e = sub_error("x ${}", d);
  EXPECT_NE(e.message.find("empty"), std::string::npos) << e.message;
}

// A parse error after a substituted value points at the script's own line and column.
TEST(Variables, ParseErrorsMapBack) {
  Defines d{{"scale", "123456789"}};
  ParseResult r = parse_script_with_defines(
      "t.iql", "SET Seed [1]\n\nINSERT cpu\ncpu,host=h[int inc(0) ${scale}] v=bad 10 10s\n", d);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].pos.line, 4);
  EXPECT_EQ(r.errors[0].pos.column, 35);
  ParseResult ok = parse_script_with_defines(
      "t.iql", "INSERT cpu\ncpu,host=h[int inc(0) ${scale:-3}] v=1 ${scale:-3}0 10s\n", {});
  ASSERT_TRUE(ok.ok()) << ok.errors[0].message;
}

TEST(Variables, DefineArguments) {
  std::string name, value, error;
  ASSERT_TRUE(parse_define("scale=1000", &name, &value, &error));
  EXPECT_EQ(name, "scale");
  EXPECT_EQ(value, "1000");
  ASSERT_TRUE(parse_define("_x=a=b", &name, &value, &error));
  EXPECT_EQ(value, "a=b");
  EXPECT_FALSE(parse_define("1x=3", &name, &value, &error));
  EXPECT_FALSE(parse_define("scale", &name, &value, &error));
  EXPECT_NE(error.find("NAME=VALUE"), std::string::npos);
}

}  // namespace
}  // namespace stressql::parser
