// `ferry backup CONFIG FILE`: the real binary copies a store that another connection keeps
// writing to (as a running engine does), and the copy opens on its own with every message that
// was committed before it, byte for byte.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "engine/store/sqlite/sqlite_store.h"
#include "tests/support/run.h"
#include "tests/support/temp_folder.h"

using ferry::test::ferryCommand;
using ferry::test::run;

namespace {

namespace store = ferry::store;

std::string adt(int i) {
  return "MSH|^~\\&|LAB|NORTH|FERRY|CITY|20261127||ADT^A08|B" + std::to_string(i) + "|P|2.5\rPID|1||P" +
         std::to_string(i) + "||Test^Backup\rPV1|1|O\r";
}

}  // namespace

TEST(BackupCommand, CopiesTheStoreWhileItIsOpenAndTheCopyOpensOnItsOwn) {
  ferry::test::TempFolder folder;
  folder.write("ferry.json", R"({"store": {"path": "var/ferry.db"}})");
  folder.write("channels/lab.json", R"({"name": "lab", "source": {"type": "mllp", "port": 1}})");
  // The store stays open with its WAL holding commits that are not yet in the database file:
  // a copy of the file alone would miss them.
  auto live = store::openSqliteStore(folder.path() + "/var/ferry.db");
  for (int i = 0; i < 30; ++i) {
    store::NewMessage m;
    m.channel = "lab";
    m.raw = adt(i);
    live->insertReceived(m);
  }
  const std::string copy = folder.path() + "/backup.db";
  const auto r = run(ferryCommand("backup " + folder.path() + " " + copy));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("written to " + copy + ": "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" bytes, 30 messages\n"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(copy + "-wal")) << "the copy is one file";

  // Moved elsewhere, as a backup is, it opens and holds the same bytes.
  const std::string moved = folder.path() + "/elsewhere.db";
  std::filesystem::rename(copy, moved);
  auto restored = store::openSqliteStore(moved);
  EXPECT_EQ(restored->countMessagesByStatus()["received"], 30);
  EXPECT_EQ(restored->message(17)->raw, adt(16));

  // A backup never overwrites a file.
  const auto again = run(ferryCommand("backup " + folder.path() + " " + moved));
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.err.find("exists; a backup is written to a new file only"), std::string::npos) << again.err;
  EXPECT_EQ(restored->countMessagesByStatus()["received"], 30) << "the existing file is untouched";
  EXPECT_EQ(run(ferryCommand("backup " + folder.path())).status, 2) << "usage";
}
