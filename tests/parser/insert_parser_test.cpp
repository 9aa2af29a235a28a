#include "parser/insert_parser.h"

#include <gtest/gtest.h>

#include "parser/series.h"
#include "tests/parser/parse_helpers.h"

namespace stressql::parser {
namespace {

using testing::error_list;
using testing::expect_error;
using testing::only;
using testing::only_error;
using testing::parse;

// The overflow check of an unbounded counter must not overflow itself when the start is
// negative (the fuzzer found INT64_MAX - (-5)); the smallest start still fits.
TEST(Insert, UnboundedIncFromANegativeStartFits) {
  InsertStmt in = only<InsertStmt>("INSERT x cpu i=[int inc(-5) 0] 1000 1s\n");
  EXPECT_EQ(in.fields[0].value[0].generator.arg, -5);
  only<InsertStmt>("INSERT x cpu i=[int inc(-9223372036854775808) 0] 1000 1s\n");
  expect_error("INSERT x cpu i=[int inc(9223372036854775000) 0] 1000 1s\n", 1, 16,
               "runs past the largest 64-bit integer");
}

// The example of SPEC §3.
TEST(Insert, SpecExample) {
  InsertStmt in = only<InsertStmt>(
      "INSERT x\n"
      "cpu,host=server-[int inc(0) 3],loc=[a|b]\n"
      "value=[int inc(100) 0]\n"
      "8 10s\n");
  EXPECT_EQ(in.name, "x");
  EXPECT_EQ(in.measurement, "cpu");
  ASSERT_EQ(in.tags.size(), 2u);
  EXPECT_EQ(in.tags[0].key, "host");
  ASSERT_EQ(in.tags[0].value.size(), 2u);
  EXPECT_EQ(in.tags[0].value[0].kind, Segment::Kind::kLiteral);
  EXPECT_EQ(in.tags[0].value[0].literal, "server-");
  EXPECT_EQ(in.tags[0].value[1].kind, Segment::Kind::kGenerator);
  EXPECT_EQ(in.tags[0].value[1].generator.type, ValueType::kInt);
  EXPECT_EQ(in.tags[0].value[1].generator.fn, ValueFn::kInc);
  EXPECT_EQ(in.tags[0].value[1].generator.arg, 0);
  EXPECT_EQ(in.tags[0].value[1].generator.count, 3);
  EXPECT_EQ(in.tags[0].value[1].pos.line, 2);
  EXPECT_EQ(in.tags[0].value[1].pos.column, 17);
  EXPECT_EQ(in.tags[1].key, "loc");
  ASSERT_EQ(in.tags[1].value.size(), 1u);
  EXPECT_EQ(in.tags[1].value[0].kind, Segment::Kind::kList);
  EXPECT_EQ(in.tags[1].value[0].list.items, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(in.fields.size(), 1u);
  EXPECT_EQ(in.fields[0].key, "value");
  EXPECT_EQ(in.fields[0].value[0].generator.arg, 100);
  EXPECT_EQ(in.fields[0].value[0].generator.count, 0);
  EXPECT_EQ(in.count, 8);
  EXPECT_EQ(in.interval_ns, 10000000000);
  EXPECT_EQ(series_count(in), 6u);
  EXPECT_EQ(timestamp_count(in), 2u);
  EXPECT_EQ(request_count(in, 5000), 1u);
  EXPECT_EQ(request_count(in, 3), 3u);
}

TEST(Insert, FreeLayout) {
  const char* layouts[] = {
      "INSERT x cpu,host=a,loc=[a|b] value=1,v2=[float rand(10) 0] 10 1s",
      "INSERT x\ncpu,\nhost=a,\nloc=[a|b]\nvalue=1,\nv2=[float rand(10) 0]\n10\n1s",
      "insert x\n  cpu,host=a,  \n    loc=[a|b]\n  value=1,v2=[float rand(10) 0]\n  10 1s",
      "INSERT x\r\ncpu,host=a,loc=[a|b]\r\nvalue=1,v2=[float rand(10) 0]\r\n10 1s\r\n",
      "INSERT x\tcpu,host=a,loc=[a|b]\tvalue=1,v2=[float rand(10) 0]\t10\t1s",
  };
  for (const char* text : layouts) {
    InsertStmt in = only<InsertStmt>(text);
    EXPECT_EQ(in.measurement, "cpu") << text;
    ASSERT_EQ(in.tags.size(), 2u) << text;
    EXPECT_EQ(in.tags[1].key, "loc");
    ASSERT_EQ(in.fields.size(), 2u) << text;
    EXPECT_EQ(in.fields[1].key, "v2");
    EXPECT_EQ(in.fields[1].value[0].generator.type, ValueType::kFloat);
    EXPECT_EQ(in.fields[1].value[0].generator.fn, ValueFn::kRand);
    EXPECT_EQ(in.count, 10);
    EXPECT_EQ(in.interval_ns, 1000000000);
  }
}

// The shape of the original tool's README example.
TEST(Insert, OriginalReadmeShape) {
  InsertStmt in = only<InsertStmt>(
      "GO INSERT mockCpu\n"
      "cpu,\n"
      "host=server-[float inc(0) 10000],location=us-west\n"
      "value=[int rand(100) 0]\n"
      "100000 10s");
  EXPECT_EQ(in.name, "mockCpu");
  EXPECT_EQ(series_count(in), 10000u);
  EXPECT_EQ(in.tags[1].value[0].literal, "us-west");
}

TEST(Insert, NoTagsAndLiterals) {
  InsertStmt in = only<InsertStmt>(
      "INSERT x m a=1,b=-2.5e3,c=3i,d=4u,e=true,f=F,g=\"a b, c=d\",h=\"\" 5 1m30s");
  EXPECT_TRUE(in.tags.empty());
  EXPECT_EQ(series_count(in), 1u);
  ASSERT_EQ(in.fields.size(), 8u);
  EXPECT_EQ(in.fields[6].value[0].literal, "\"a b, c=d\"");
  EXPECT_EQ(in.interval_ns, 90000000000);
}

TEST(Insert, EscapesDoNotSplit) {
  InsertStmt in =
      only<InsertStmt>("INSERT x my\\ cpu\\,1,ho\\=st=a\\ b\\,c,loc=x[int inc(0) 2]y v\\ 1=1 4 1s");
  EXPECT_EQ(in.measurement, "my\\ cpu\\,1");
  EXPECT_EQ(in.tags[0].key, "ho\\=st");
  EXPECT_EQ(in.tags[0].value[0].literal, "a\\ b\\,c");
  ASSERT_EQ(in.tags[1].value.size(), 3u);
  EXPECT_EQ(in.tags[1].value[2].literal, "y");
  EXPECT_EQ(in.fields[0].key, "v\\ 1");
}

TEST(Insert, Templates) {
  InsertStmt in = only<InsertStmt>(
      "INSERT x cpu,a=[INT INC(-5) 3],b=[str rand(2) 1296],c=[ x | y |z ],d=[float rand(1) 7] "
      "f=[Str Inc(7) 0],g=[str rand(8) 0],h=[int rand(5) 5],i=[a|b] 100 1ms");
  EXPECT_EQ(in.tags[0].value[0].generator.arg, -5);
  EXPECT_EQ(in.tags[1].value[0].generator.type, ValueType::kStr);
  EXPECT_EQ(in.tags[2].value[0].list.items, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(series_count(in), 3u * 1296u * 3u * 7u);
  EXPECT_EQ(in.fields[0].value[0].generator.type, ValueType::kStr);
  EXPECT_EQ(in.fields[3].value[0].kind, Segment::Kind::kList);
}

TEST(Insert, SeriesCountSaturates) {
  InsertStmt in = only<InsertStmt>(
      "INSERT x cpu,a=[int inc(0) 4294967296],b=[int inc(0) 4294967296],c=[a|b] v=1 1 1s");
  EXPECT_EQ(series_count(in), UINT64_MAX);
  EXPECT_EQ(timestamp_count(in), 1u);
}

TEST(Insert, Errors) {
  expect_error("INSERT x\ncpu,host=[int inc(0) 3 v=1 1 1s", 2, 32,
               "expected ']' to close the template started at 2:10");
  expect_error("INSERT x cpu,h=[int rand(0) 3] v=1 1 1s", 1, 26, "rand(n) needs n >= 1");
  expect_error("INSERT x cpu,h=[int rand(-3) 3] v=1 1 1s", 1, 26, "rand(n) needs n >= 1");
  expect_error("INSERT x cpu,h=[int rand(5) 10] v=1 1 1s", 1, 29, "only 5 distinct values");
  expect_error("INSERT x cpu,h=[str rand(2) 1297] v=1 1 1s", 1, 29, "only 1296 distinct values");
  expect_error("INSERT x cpu,h=[str rand(100000) 1] v=1 1 1s", 1, 26, "expected n <= 65536");
  expect_error("INSERT x cpu v=[str rand(0) 0] 1 1s", 1, 26, "rand(n) needs n >= 1");
  expect_error("INSERT x cpu,h=[int inc(0) 0] v=1 1 1s", 1, 16, "a tag needs a finite cardinality");
  expect_error("INSERT x cpu,h=[int inc(9223372036854775800) 9] v=1 1 1s", 1, 46,
               "runs past the largest 64-bit integer");
  expect_error("INSERT x cpu v=[int inc(9223372036854775800) 0] 16 1s", 1, 16,
               "runs past the largest 64-bit integer over 16 timestamps");
  expect_error("INSERT x cpu,h=[int inc(9223372036854775808) 1] v=1 1 1s", 1, 25,
               "does not fit in a 64-bit integer");
  expect_error("INSERT x cpu,h=[int inc(1.5) 1] v=1 1 1s", 1, 25, "expected a whole number");
  expect_error("INSERT x cpu,h=[int inc(0) -1] v=1 1 1s", 1, 28, "expected a count");
  expect_error("INSERT x cpu,h=[int inc(0)] v=1 1 1s", 1, 27, "expected a count after 'inc(0)'");
  expect_error("INSERT x cpu,h=[int inc(0) 3 4] v=1 1 1s", 1, 30, "expected ']' after the count");
  expect_error("INSERT x cpu,h=[int dec(0) 3] v=1 1 1s", 1, 21, "expected inc(n) or rand(n)");
  expect_error("INSERT x cpu,h=[int inc 0 3] v=1 1 1s", 1, 25, "expected '(' after 'inc'");
  expect_error("INSERT x cpu,h=[int inc(0 3] v=1 1 1s", 1, 27, "expected ')'");
  expect_error("INSERT x cpu,h=[a||b] v=1 1 1s", 1, 19, "empty item in the list");
  expect_error("INSERT x cpu,h=[a|b|] v=1 1 1s", 1, 21, "empty item in the list");
  expect_error("INSERT x cpu,h=[foo] v=1 1 1s", 1, 16, "expected a template");
  expect_error("INSERT x cpu,h=[[[[a] v=1 1 1s", 1, 17, "templates do not nest");
  expect_error("INSERT x cpu,host=a,host=b v=1 1 1s", 1, 21,
               "duplicate tag key 'host' (first at 1:14)");
  expect_error("INSERT x cpu v=1,w=2,v=3 1 1s", 1, 22, "duplicate field key 'v'");
  expect_error("INSERT x cpu,host=a", 1, 20, "expected fields after the tags");
  expect_error("INSERT x cpu,host=a\n\nWAIT", 1, 20, "expected fields after the tags");
  expect_error("INSERT x cpu v=1", 1, 17, "expected the point count");
  expect_error("INSERT x cpu v=1 -5 1s", 1, 18,
               "expected the point count (a whole number >= 0), found '-5'");
  expect_error("INSERT x cpu v=1 1.5 1s", 1, 18, "expected the point count");
  expect_error("INSERT x cpu v=1 99999999999999999999 1s", 1, 18,
               "does not fit in a 64-bit integer");
  expect_error("INSERT x cpu v=1 10", 1, 20, "expected the interval");
  expect_error("INSERT x cpu v=1 10 10x", 1, 21, "expected a duration");
  expect_error("INSERT x cpu v=1 10 10s extra", 1, 25, "unexpected 'extra' after INSERT");
  expect_error("INSERT x cpu v=[int inc(0) 0]i 1 1s", 1, 30, "exactly one template");
  expect_error("INSERT x cpu v=a[int inc(0) 0] 1 1s", 1, 17, "exactly one template");
  expect_error("INSERT x cpu v=abc 1 1s", 1, 16, "is not line protocol");
  expect_error("INSERT x cpu v=\"abc 1 1s", 1, 25,
               "expected '\"' to close the string started at 1:16");
  expect_error("INSERT x cpu,host v=1 1 1s", 1, 18, "expected '=' after tag key 'host'");
  expect_error("INSERT x cpu,=a v=1 1 1s", 1, 14, "expected a tag key");
  expect_error("INSERT x cpu,host= v=1 1 1s", 1, 19, "expected a value for tag 'host'");
  expect_error("INSERT x cpu v= 1 1s", 1, 16, "expected a value for field 'v'");
  expect_error("INSERT x cpu v=1, 1 1s", 1, 20, "expected '=' after field key '1', found a blank");
  expect_error("INSERT x [a|b],h=1 v=1 1 1s", 1, 10,
               "templates are not allowed in the measurement");
  expect_error("INSERT x cpu,[a|b]=1 v=1 1 1s", 1, 14, "templates are not allowed in tag keys");
  expect_error("INSERT", 1, 7, "expected a name after INSERT");
  expect_error("INSERT x", 1, 9, "expected '<measurement>,<tags> <fields> <count> <interval>'");
  expect_error("INSERT x! cpu v=1 1 1s", 1, 9, "unexpected '!' in the INSERT name");
}

TEST(Insert, LastTimestampMustFitInt64) {
  // 2016 + 10^9 hours is far past 2262.
  expect_error("INSERT x cpu v=1 1000000000 1h", 1, 29, "run past 2262-04-11");
  EXPECT_TRUE(parse("INSERT x cpu v=1 1000000 1s").ok());
  // With StartDate now the check waits for run time.
  EXPECT_TRUE(parse("SET StartDate [now]\n\nINSERT x cpu v=1 1000000000 1h").ok());
  // Enough series make the same point count fit.
  EXPECT_TRUE(parse("INSERT x cpu,h=[int inc(0) 1000000] v=1 1000000000 1h").ok());
}

TEST(Insert, ZeroPointsIsAllowed) {
  InsertStmt in = only<InsertStmt>("INSERT x cpu v=1 0 1s");
  EXPECT_EQ(in.count, 0);
  EXPECT_EQ(request_count(in, 5000), 0u);
  EXPECT_EQ(timestamp_count(in), 0u);
}

TEST(Insert, FieldLiterals) {
  for (std::string_view ok : {"1", "-1", "1.", ".5", "1e10", "-1.5E-3", "+2", "1i", "-1i", "1u",
                              "t", "TRUE", "False", "\"x\""}) {
    EXPECT_TRUE(is_field_literal(ok)) << ok;
  }
  for (std::string_view bad : {"", "abc", "1x", "-1u", "i", "1e", "tRuE", "\"", "1.2.3", "--1"}) {
    EXPECT_FALSE(is_field_literal(bad)) << bad;
  }
}

}  // namespace
}  // namespace stressql::parser
