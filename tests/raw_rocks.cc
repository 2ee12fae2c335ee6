#include "tests/raw_rocks.h"

#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "store/keys.h"

namespace hotline::testing {
namespace {

// Runs `change` on the family `family` of the database at `path`.
template <typename Change>
void WithFamily(const std::string& path, const std::string& family, Change change) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), path, families, &handles, &db).ok());
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == family) change(db, handles[i]);
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

}  // namespace

void FlipRecordByte(const std::string& path, uint64_t sequence, size_t offset) {
  WithFamily(path, store::kEventsFamily, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events) {
    std::string value;
    const std::string key = store::SequenceKey(sequence);
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), events, key, &value).ok());
    ASSERT_LT(offset, value.size());
    value[offset] ^= 0x01;
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), events, key, value).ok());
  });
}

void DeleteRecord(const std::string& path, uint64_t sequence) {
  WithFamily(path, store::kEventsFamily, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events) {
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), events,
                           store::SequenceKey(sequence)).ok());
  });
}

void SetValue(const std::string& path, const std::string& family, const std::string& key,
              const std::optional<std::string>& value) {
  WithFamily(path, family, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* handle) {
    ASSERT_TRUE((value ? db->Put(rocksdb::WriteOptions(), handle, key, *value)
                       : db->Delete(rocksdb::WriteOptions(), handle, key))
                    .ok());
  });
}

void ClearFamily(const std::string& path, const std::string& family) {
  WithFamily(path, family, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* handle) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handle));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), handle, it->key()).ok());
    }
  });
}

void ChangeValue(const std::string& path, const std::string& family, const std::string& key,
                 const std::function<void(std::string*)>& change) {
  WithFamily(path, family, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* handle) {
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), handle, key, &value).ok()) << key;
    change(&value);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handle, key, value).ok());
  });
}

std::vector<std::string> KeysWithPrefix(const std::string& path, const std::string& family,
                                        const std::string& prefix) {
  std::vector<std::string> keys;
  WithFamily(path, family, [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* handle) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handle));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      keys.push_back(it->key().ToString());
    }
  });
  return keys;
}

}  // namespace hotline::testing
