// The RocksDB settings of the event log (rocks_options.h).

#include "store/rocks_options.h"

#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/table_properties_collectors.h"
#include "store/keys.h"

namespace hotline::store {

rocksdb::Options RocksOptions(const Options& options) {
  rocksdb::Options ro;
  if (options.env != nullptr) ro.env = options.env;
  // After an I/O error the log refuses writes until reopened (event_log.h);
  // RocksDB must not resume writing by itself behind it (and its automatic
  // recovery can hang a Close in Debian's 7.8).
  ro.max_bgerror_resume_count = 0;
  ro.create_if_missing =
      options.mode == OpenMode::kReadWrite && options.create_if_missing;
  ro.create_missing_column_families = options.mode == OpenMode::kReadWrite;
  // A secondary must keep every file open to follow the primary.
  if (options.mode == OpenMode::kSecondary) ro.max_open_files = -1;
  ro.IncreaseParallelism(2);
  ro.compression = rocksdb::kLZ4Compression;
  // Memtables are most of what the store itself holds in memory: bound them
  // all together, and flush each family at a quarter of the budget.
  ro.db_write_buffer_size = options.memtable_bytes;
  ro.write_buffer_size = options.memtable_bytes / 4;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  // Point lookups (stream heads, command ids, state) skip files by bloom filter.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Index and filter blocks grow with the log; kept in the block cache they
  // are bounded by it, so memory does not grow with the log's size. They are
  // partitioned, so that a lookup reads back a 4 KiB partition rather than
  // a whole file's filter when the cache has evicted it.
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_top_level_index_and_filter = true;
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.metadata_block_size = 4096;
  ro.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Projections delete as much as they write (a timer index entry lives only
  // while its deadline is owed): compact files dense with deletions so range
  // scans do not wade through tombstones.
  ro.table_properties_collector_factories.emplace_back(
      rocksdb::NewCompactOnDeletionCollectorFactory(/*sliding_window_size=*/128,
                                                    /*deletion_trigger=*/64));
  return ro;
}

const std::vector<std::string>& FamilyNames() {
  static const auto* names = new std::vector<std::string>{
      rocksdb::kDefaultColumnFamilyName, kEventsFamily, kStreamsFamily, kCommandsFamily,
      kStateFamily, kProjectionsFamily, kMetaFamily, kSecretsFamily};
  return *names;
}

}  // namespace hotline::store
