// Being written (issue 14).
#include <gtest/gtest.h>
