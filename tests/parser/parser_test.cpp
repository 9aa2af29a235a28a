#include "parser/parser.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "parser/series.h"
#include "parser/statement_parser.h"
#include "tests/parser/big_inputs.h"
#include "tests/parser/parse_helpers.h"

namespace stressql::parser {
namespace {

using testing::error_list;
using testing::expect_error;
using testing::only;
using testing::only_error;
using testing::parse;

// A script in the style of the original tool's README and sample file.
constexpr char kSample[] =
    "# Create a database for the test\n"
    "CREATE DATABASE thing\n"
    "\n"
    "SET Database [thing]\n"
    "\n"
    "SET Precision [s]\n"
    "\n"
    "SET BatchSize [1000]\n"
    "\n"
    "# 100000 points over 1000 hosts\n"
    "GO INSERT mockCpu\n"
    "cpu,\n"
    "host=server-[int inc(0) 1000],location=[us-west|us-east]\n"
    "value=[float rand(100) 0]\n"
    "100000 10s\n"
    "\n"
    "GO QUERY mockCpu\n"
    "SELECT mean(value) FROM cpu\n"
    "WHERE %t\n"
    "DO 250\n"
    "\n"
    "WAIT\n"
    "\n"
    "SET BatchSize [5000]\n"
    "\n"
    "INSERT mockMem mem,host=[a|b|c] used=[int rand(1000) 0],free=1i 30000 1m\n"
    "\n"
    "QUERY total SELECT count(*) FROM cpu DO 5\n"
    "\n"
    "EXEC echo done > /dev/null\n"
    "\n"
    "DROP DATABASE thing\n";

TEST(Parser, SampleScript) {
  ParseResult r = parse(kSample);
  ASSERT_TRUE(r.ok()) << error_list(r);
  const auto& st = r.script.statements;
  ASSERT_EQ(st.size(), 12u);
  ASSERT_EQ(r.snapshot_of.size(), st.size());
  EXPECT_EQ(std::get<InfluxQLStmt>(st[0].body).text, "CREATE DATABASE thing");
  EXPECT_FALSE(std::get<InfluxQLStmt>(st[0].body).is_read);
  EXPECT_EQ(st[0].pos.line, 2);
  EXPECT_EQ(std::get<SetStmt>(st[1].body).value, "thing");
  EXPECT_TRUE(st[4].go);
  EXPECT_EQ(st[4].pos.line, 11);
  const auto& cpu = std::get<InsertStmt>(st[4].body);
  EXPECT_EQ(series_count(cpu), 2000u);
  EXPECT_EQ(r.settings_for(4).batch_size, 1000);
  EXPECT_EQ(r.settings_for(4).database, "thing");
  EXPECT_EQ(request_count(cpu, r.settings_for(4).batch_size), 100u);
  const auto& q = std::get<QueryStmt>(st[5].body);
  EXPECT_TRUE(st[5].go);
  EXPECT_EQ(q.name, "mockCpu");
  EXPECT_EQ(q.text, "SELECT mean(value) FROM cpu WHERE %t");
  EXPECT_EQ(q.count, 250);
  EXPECT_EQ(q.vars, kVarT);
  EXPECT_TRUE(std::holds_alternative<WaitStmt>(st[6].body));
  EXPECT_EQ(r.settings_for(8).batch_size, 5000);
  EXPECT_EQ(std::get<QueryStmt>(st[9].body).vars, 0);
  EXPECT_EQ(std::get<ExecStmt>(st[10].body).command, "echo done > /dev/null");
  EXPECT_EQ(std::get<InfluxQLStmt>(st[11].body).text, "DROP DATABASE thing");
  EXPECT_EQ(r.script.file, "t.iql");
  EXPECT_EQ(r.script.directory, ".");
}

TEST(Parser, StatementIds) {
  ParseResult a = parse(kSample);
  ParseResult b = parse(kSample);
  std::set<std::string> ids;
  for (size_t i = 0; i < a.script.statements.size(); ++i) {
    const std::string& id = a.script.statements[i].id;
    ASSERT_EQ(id.size(), 10u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    EXPECT_EQ(id, b.script.statements[i].id);  // same seed, same IDs
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), a.script.statements.size());
  ParseResult c = parse_script("t.iql", kSample, {});
  ParseResult d = parse_script("t.iql", kSample, {});
  EXPECT_NE(c.script.statements[0].id + c.script.statements[1].id,
            d.script.statements[0].id + d.script.statements[1].id);
  EXPECT_EQ(parse_script("/a/b/c.iql", "WAIT").script.directory, "/a/b");
  EXPECT_EQ(parse_script("/c.iql", "WAIT").script.directory, "/");
}

TEST(Parser, KeywordsAnyCase) {
  ParseResult r = parse(
      "set batchsize [7]\n\ngo insert x cpu v=1 1 1s\n\nGo Query x SeLeCt %m do 1"
      "\n\nwait\n\nexec true");
  ASSERT_TRUE(r.ok()) << error_list(r);
  EXPECT_EQ(r.script.statements.size(), 5u);
  EXPECT_EQ(std::get<SetStmt>(r.script.statements[0].body).name, SetName::kBatchSize);
  EXPECT_EQ(std::get<SetStmt>(r.script.statements[0].body).name_text, "batchsize");
}

TEST(Parser, Set) {
  SetStmt s = only<SetStmt>("SET Database [  MyDB  ]");
  EXPECT_EQ(s.name, SetName::kDatabase);
  EXPECT_EQ(s.value, "MyDB");
  EXPECT_EQ(s.value_pos.column, 17);
  EXPECT_EQ(only<SetStmt>("SET Password [p]a]ss]").value, "p]a]ss");
  EXPECT_EQ(only<SetStmt>("SET Username []").value, "");
  EXPECT_EQ(only<SetStmt>("SET Seed [12345]").value, "12345");
  expect_error("SET Batchsize2 [4]", 1, 5,
               "unknown SET name 'Batchsize2'; expected one of Addresses");
  expect_error("SET BatchSize [0]", 1, 16,
               "invalid value for SET BatchSize: expected a whole number >= 1");
  expect_error("SET BatchSize 5", 1, 15, "expected '[' after SET BatchSize");
  expect_error("SET BatchSize [5", 1, 17, "expected ']' to close the value started at 1:15");
  expect_error("SET BatchSize [5] x", 1, 19, "unexpected 'x' after SET BatchSize");
  expect_error("SET", 1, 4, "expected a setting name after SET");
  expect_error("SET Precision [d]", 1, 16, "ns, u, ms, s, m or h");
  expect_error("SET StartDate [2016-02-30]", 1, 16, "does not exist");
  expect_error("SET SSL [yes]", 1, 10, "expected true or false");
  expect_error("SET Addresses [a:1||b:2]", 1, 16, "empty address");
  expect_error("SET WriteInterval [10]", 1, 20, "expected a duration");
}

TEST(Parser, SettingsTrackSets) {
  ParseResult r = parse("SET BatchSize [10]\n\nWAIT\n\nSET BatchSize [0]\n\nWAIT");
  EXPECT_EQ(r.errors.size(), 1u);
  // The broken SET changes nothing: the WAIT after it still sees 10.
  ParseResult ok = parse("SET BatchSize [10]\n\nWAIT\n\nSET BatchSize [20]\n\nWAIT");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.settings_for(0).batch_size, 5000);
  EXPECT_EQ(ok.settings_for(1).batch_size, 10);
  EXPECT_EQ(ok.settings_for(2).batch_size, 10);
  EXPECT_EQ(ok.settings_for(3).batch_size, 20);
}

TEST(Parser, Query) {
  QueryStmt q = only<QueryStmt>("QUERY q SELECT *\n  FROM cpu\t\n\tWHERE x = 1 DO 3");
  EXPECT_EQ(q.name, "q");
  EXPECT_EQ(q.text, "SELECT * FROM cpu WHERE x = 1");
  EXPECT_EQ(q.count, 3);
  EXPECT_EQ(q.vars, 0);
  EXPECT_EQ(only<QueryStmt>("QUERY q SELECT value % 2 FROM cpu do\n7").text,
            "SELECT value % 2 FROM cpu");
  ParseResult r = parse(
      "INSERT cpu m,h=[a|b] v=1 1 1s\n\nQUERY cpu SELECT %f FROM %m WHERE %t AND time > %a DO 1");
  ASSERT_TRUE(r.ok()) << error_list(r);
  EXPECT_EQ(std::get<QueryStmt>(r.script.statements[1].body).vars, kVarM | kVarF | kVarT | kVarA);
  // The INSERT may come later in the script.
  EXPECT_TRUE(parse("QUERY cpu SELECT %m DO 1\n\nINSERT cpu m v=1 1 1s").ok());
  expect_error("QUERY q SELECT %x FROM y DO 3", 1, 16, "unknown query variable '%x'");
  expect_error("QUERY q SELECT %M FROM y DO 3", 1, 16, "unknown query variable '%M'");
  expect_error("QUERY q SELECT * FROM cpu", 1, 26, "expected 'DO <n>' at the end of the QUERY");
  expect_error("QUERY q SELECT * FROM cpu DO", 1, 29, "expected a count after DO");
  expect_error("QUERY q SELECT * FROM cpu DO 0", 1, 30, "DO needs a count >= 1");
  expect_error("QUERY q SELECT * FROM cpu DO -1", 1, 30, "expected a count after DO");
  expect_error("QUERY q SELECT * FROM cpu DO x", 1, 30, "expected a count after DO");
  expect_error("QUERY q SELECT * FROM cpu DO 99999999999999999999", 1, 30, "does not fit");
  expect_error("QUERY q SELECT * FROM cpu DO 5 LIMIT 1", 1, 32, "unexpected 'LIMIT' after DO 5");
  expect_error("QUERY q DO 5", 1, 9, "expected the query text");
  expect_error("QUERY", 1, 6, "expected a name after QUERY");
  expect_error("QUERY nosuch SELECT %t DO 5", 1, 7,
               "QUERY 'nosuch' uses query variables (%m %f %t %a) but no INSERT is named 'nosuch'");
}

TEST(Parser, GoWaitExec) {
  expect_error("GO WAIT", 1, 1, "GO must be followed by INSERT, QUERY or EXEC, found 'WAIT'");
  expect_error("GO SET BatchSize [1]", 1, 1, "found 'SET'");
  expect_error("GO", 1, 1, "found the end of the statement");
  expect_error("GO SELECT * FROM x", 1, 1, "found 'SELECT'");
  expect_error("WAIT now", 1, 6, "unexpected 'now' after WAIT");
  expect_error("WAIT\nWAIT", 2, 1, "unexpected 'WAIT' after WAIT");
  expect_error("EXEC", 1, 5, "expected a command after EXEC");
  expect_error("EXEC.", 1, 5, "expected a blank after EXEC");
  ParseResult r = parse("GO EXEC sleep 1\n\nEXEC ./x.sh --flag 'a b'");
  ASSERT_TRUE(r.ok()) << error_list(r);
  EXPECT_TRUE(r.script.statements[0].go);
  EXPECT_EQ(std::get<ExecStmt>(r.script.statements[0].body).command, "sleep 1");
  EXPECT_EQ(std::get<ExecStmt>(r.script.statements[1].body).command, "./x.sh --flag 'a b'");
  expect_error("FROB x", 1, 1, "unknown statement 'FROB'; expected SET, INSERT");
  expect_error("  {x}", 1, 3, "unknown statement '{x}'");
}

TEST(Parser, Passthrough) {
  struct Case {
    const char* text;
    bool read;
  };
  for (Case c :
       {Case{"SELECT * FROM cpu", true}, Case{"show databases", true},
        Case{"CREATE DATABASE x", false}, Case{"drop database x", false},
        Case{"DELETE FROM cpu", false}, Case{"ALTER RETENTION POLICY a ON b DURATION 1d", false},
        Case{"GRANT ALL TO bob", false}, Case{"REVOKE ALL FROM bob", false},
        Case{"KILL QUERY 1", false}, Case{"EXPLAIN SELECT * FROM cpu", false},
        Case{"SET PASSWORD FOR bob = 'x'", false}, Case{"set  password\nfor bob = 'x'", false},
        Case{"-- a comment\n/* another */ SELECT 1", true}, Case{"SELECT * INTO b FROM a", false},
        Case{"SELECT 'INTO' FROM a", true}, Case{"SELECT \"into\" FROM a", true}}) {
    bool read = !c.read;
    EXPECT_TRUE(is_influxql(c.text, &read)) << c.text;
    EXPECT_EQ(read, c.read) << c.text;
    InfluxQLStmt s = only<InfluxQLStmt>(c.text);
    EXPECT_EQ(s.is_read, c.read) << c.text;
  }
  bool read = false;
  for (const char* text : {"SET Database [x]", "SET PASSWORD [x]", "INSERT x", "SELECTED", "WAIT",
                           "-- SELECT", "", "/* unterminated SELECT"}) {
    EXPECT_FALSE(is_influxql(text, &read)) << text;
  }
  InfluxQLStmt multi =
      only<InfluxQLStmt>("CREATE RETENTION POLICY rp\n  ON db DURATION 1d\n  REPLICATION 1  ");
  EXPECT_EQ(multi.text, "CREATE RETENTION POLICY rp\n  ON db DURATION 1d\n  REPLICATION 1");
}

TEST(Parser, LeadingSqlCommentsBeforeStressqlStatements) {
  ParseResult r = parse("-- setup\nSET BatchSize [3]");
  ASSERT_TRUE(r.ok()) << error_list(r);
  EXPECT_EQ(r.script.statements[0].pos.line, 2);
}

TEST(Parser, ReportsEveryBrokenBlock) {
  ParseResult r = parse(
      "SET Batchsize2 [4]\n"
      "\n"
      "WAIT\n"
      "\n"
      "INSERT x\n"
      "cpu,host=[int inc(0) 3 value=1 10 1s\n"
      "\n"
      "GO WAIT\n"
      "\n"
      "QUERY q SELECT %x DO 3\n"
      "\n"
      "QUERY r SELECT %t DO 3\n"
      "\n"
      "EXEC true\n");
  ASSERT_EQ(r.errors.size(), 5u) << error_list(r);
  EXPECT_EQ(r.errors[0].pos.line, 1);
  EXPECT_EQ(r.errors[1].pos.line, 6);
  EXPECT_EQ(r.errors[2].pos.line, 8);
  EXPECT_EQ(r.errors[3].pos.line, 10);
  EXPECT_EQ(r.errors[4].pos.line, 12);
  EXPECT_NE(r.errors[4].message.find("(INSERTs: 'x')"), std::string::npos) << r.errors[4].message;
}

TEST(Parser, CrlfCommentsAndTabs) {
  std::string lf = kSample;
  std::string crlf;
  for (char c : lf) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  ParseResult a = parse(lf);
  ParseResult b = parse(crlf);
  ASSERT_TRUE(b.ok()) << error_list(b);
  ASSERT_EQ(a.script.statements.size(), b.script.statements.size());
  EXPECT_EQ(std::get<QueryStmt>(b.script.statements[5].body).text,
            std::get<QueryStmt>(a.script.statements[5].body).text);
  Diagnostic d = only_error("WAIT\r\n\r\n\tGO  WAIT\r\n");
  EXPECT_EQ(d.pos.line, 3);
  EXPECT_EQ(d.pos.column, 2);
}

TEST(Parser, BadBytes) {
  expect_error(std::string_view("WAIT\0", 5), 1, 5, "unexpected control byte 0x00 (NUL)");
  expect_error("SET Database [\xff]", 1, 15, "invalid UTF-8 byte 0xff");
  expect_error("SET Database [\xC0\xAF]", 1, 15, "invalid UTF-8");      // overlong
  expect_error("SET Database [\xED\xA0\x80]", 1, 15, "invalid UTF-8");  // surrogate
  EXPECT_EQ(only<SetStmt>("SET Database [d\xC3\xA9j\xC3\xA0]").value, "d\xC3\xA9j\xC3\xA0");
  // Bad bytes in a comment line do not matter: the line is dropped.
  EXPECT_TRUE(parse("# \xff\x01\nWAIT").ok());
}

TEST(Parser, RandomGarbageNeverCrashes) {
  std::mt19937_64 rng(7);
  const std::string pieces[] = {"INSERT ",
                                "QUERY ",
                                "SET ",
                                "GO ",
                                "WAIT",
                                "EXEC ",
                                "[",
                                "]",
                                "|",
                                "int ",
                                "rand(",
                                "inc(",
                                ")",
                                "%",
                                "%t",
                                ",",
                                "=",
                                " ",
                                "\n",
                                "\n\n",
                                "\r\n",
                                "\t",
                                "#",
                                "\\",
                                "\"",
                                "DO ",
                                "9",
                                "-",
                                "99999999999999999999",
                                "s",
                                "ms",
                                "\xff",
                                std::string(1, '\0'),
                                "SELECT ",
                                "--",
                                "/*"};
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) text += pieces[rng() % std::size(pieces)];
    ParseResult r = parse(text);
    for (const Diagnostic& d : r.errors) {
      EXPECT_GE(d.pos.line, 1);
      EXPECT_GE(d.pos.column, 1);
      EXPECT_FALSE(format_diagnostic("t.iql", text, d).empty());
    }
  }
}

// Ten megabytes of each hard shape parse to the right result. How fast is measured in
// bench/parser_bench (a timed unit test would measure the machine's neighbours); a hang
// here is caught by ctest's time limit.
TEST(Parser, TenMegabyteInputsParseToTheRightResult) {
  for (const auto& [shape, text] : big_inputs()) {
    SCOPED_TRACE(shape);
    ParseResult r = parse(text);
    if (shape == "one_line" || shape == "brackets") {
      EXPECT_EQ(r.errors.size(), 1u);
    } else if (shape == "errors") {
      ASSERT_EQ(r.errors.size(), 101u);
      EXPECT_NE(r.errors.back().message.find("too many errors"), std::string::npos);
    } else {  // closers: a tag value of literal ']' is line protocol as written
      EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].message);
    }
  }
}

}  // namespace
}  // namespace stressql::parser
