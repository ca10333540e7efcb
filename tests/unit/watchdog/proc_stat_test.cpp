#include "watchdog/proc_stat.h"

#include <gtest/gtest.h>

// Lines in the format of proc(5); the first two were read from /proc on Linux 6.1/6.18.

namespace bp {
namespace {

TEST(ProcStat, ReadsPidStateAndProcessGroup) {
  const auto stat = parse_proc_stat(
      "4242 (better_ping) S 4100 4242 4100 34816 4242 4194560 180 0 0 0 0 0 0 0 20 0 1 0 "
      "1234 10485760 560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->pid, 4242);
  EXPECT_EQ(stat->state, 'S');
  EXPECT_EQ(stat->pgrp, 4242);
  EXPECT_FALSE(stat->terminated());
}

TEST(ProcStat, ZombiesAndDeadProcessesHaveTerminated) {
  const auto zombie = parse_proc_stat("4243 (tee) Z 1 4242 4100 0 -1 4227084 0 0 0 0 0 0 0 0 20 0 1 0");
  ASSERT_TRUE(zombie.has_value());
  EXPECT_EQ(zombie->state, 'Z');
  EXPECT_TRUE(zombie->terminated());
  EXPECT_TRUE(parse_proc_stat("7 (x) X 1 7 7")->terminated());
  EXPECT_FALSE(parse_proc_stat("7 (x) T 1 7 7")->terminated());  // stopped, not gone
  EXPECT_FALSE(parse_proc_stat("7 (x) D 1 7 7")->terminated());
}

TEST(ProcStat, ProgramNameMayHoldSpacesAndParentheses) {
  // The name is whatever the process set (prctl PR_SET_NAME): the fields after it are found
  // from the last ')'.
  const auto stat = parse_proc_stat("99 (a) b (c) R 1 55 55 0");
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->pid, 99);
  EXPECT_EQ(stat->state, 'R');
  EXPECT_EQ(stat->pgrp, 55);
  EXPECT_EQ(parse_proc_stat("99 ()) S 1 56 56")->pgrp, 56);
  EXPECT_EQ(parse_proc_stat("99 () S 1 57")->pgrp, 57);  // nothing after the group: still fine
}

TEST(ProcStat, KernelThreadsHaveParentAndGroupZero) {
  const auto stat = parse_proc_stat("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0");
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->pgrp, 0);
}

TEST(ProcStat, AnythingElseIsNotAStatLine) {
  for (const char* bad : {"", "4242", "4242 better_ping S 1 2 3", "x (p) S 1 2", "-4 (p) S 1 2",
                          "0 (p) S 1 2", "4242 (p)", "4242 (p) ", "4242 (p) S", "4242 (p) S 1",
                          "4242 (p) S 1 ", "4242 (p) S x 7", "4242 (p) S 1 x", "4242 (p) S 1 7x",
                          "4242 (p S 1 7", "4242 (p) S  1 7", "4242  (p) S 1 7"}) {
    EXPECT_FALSE(parse_proc_stat(bad).has_value()) << '"' << bad << '"';
  }
}

TEST(ProcPid, WholeTextOfAPositiveDecimalOnly) {
  EXPECT_EQ(parse_pid("4242"), 4242);
  EXPECT_EQ(parse_pid("1"), 1);
  for (const char* bad : {"", "0", "-4", "self", "42a", "4 2", " 42", "99999999999"}) {
    EXPECT_FALSE(parse_pid(bad).has_value()) << '"' << bad << '"';
  }
}

}  // namespace
}  // namespace bp
