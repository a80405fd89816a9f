#include "silt/query/read_log.h"

#include <cstring>
#include <deque>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "silt/common/strings.h"
#include "silt/formats/format.h"
#include "silt/query/database.h"

namespace silt::query {

namespace {

std::mutex g_plans_mu;
std::map<uint64_t, std::shared_ptr<ScanPlan>> g_plans;
uint64_t g_next_plan = 1;
std::atomic<uint64_t> g_rejects_seen{0};

duckdb_type DuckType(formats::ColumnType t) {
  switch (t) {
    case formats::ColumnType::kVarchar: return DUCKDB_TYPE_VARCHAR;
    case formats::ColumnType::kInt32: return DUCKDB_TYPE_INTEGER;
    case formats::ColumnType::kInt64: return DUCKDB_TYPE_BIGINT;
    case formats::ColumnType::kTimestampTz: return DUCKDB_TYPE_TIMESTAMP_TZ;
    case formats::ColumnType::kBoolean: return DUCKDB_TYPE_BOOLEAN;
    case formats::ColumnType::kDouble: return DUCKDB_TYPE_DOUBLE;
  }
  return DUCKDB_TYPE_VARCHAR;
}

void AddColumn(duckdb_bind_info info, const char* name, duckdb_type type) {
  duckdb_logical_type t = duckdb_create_logical_type(type);
  duckdb_bind_add_result_column(info, name, t);
  duckdb_destroy_logical_type(&t);
}

std::string TakeVarchar(duckdb_value v) {
  char* s = duckdb_get_varchar(v);
  std::string out = s != nullptr ? s : "";
  duckdb_free(s);
  return out;
}

// The text of an argument; a NULL (which DuckDB cannot turn into text) is a usage error.
Result<std::string> ArgumentText(duckdb_value v, std::string_view what) {
  if (duckdb_is_null_value(v)) {
    return Status::InvalidArgument(fmt::format(
        "read_log: {} is NULL; it needs a value, e.g. read_log('logs/', format => 's3_access')", what));
  }
  return TakeVarchar(v);
}

// Reads the positional location argument (VARCHAR or VARCHAR[]) and the format.
Result<std::shared_ptr<ScanPlan>> BindPlan(duckdb_bind_info info) {
  duckdb_value plan_id = duckdb_bind_get_named_parameter(info, "plan");
  if (plan_id != nullptr) {
    uint64_t id = duckdb_get_uint64(plan_id);
    duckdb_destroy_value(&plan_id);
    std::lock_guard<std::mutex> lock(g_plans_mu);
    auto it = g_plans.find(id);
    if (it == g_plans.end()) return Status::InvalidArgument(fmt::format("no scan plan {}", id));
    return it->second;
  }
  std::vector<std::string> locations;
  if (duckdb_bind_get_parameter_count(info) < 1) {
    return Status::InvalidArgument("read_log needs a location: read_log('<path or glob>', format => 's3_access')");
  }
  duckdb_value loc = duckdb_bind_get_parameter(info, 0);
  struct Destroy {
    duckdb_value* v;
    ~Destroy() { duckdb_destroy_value(v); }
  } destroy_loc{&loc};
  duckdb_logical_type lt = duckdb_get_value_type(loc);
  if (!duckdb_is_null_value(loc) && duckdb_get_type_id(lt) == DUCKDB_TYPE_LIST) {
    idx_t n = duckdb_get_list_size(loc);
    for (idx_t i = 0; i < n; ++i) {
      duckdb_value child = duckdb_get_list_child(loc, i);
      auto text = ArgumentText(child, fmt::format("location {} of the list", i + 1));
      duckdb_destroy_value(&child);
      if (!text.ok()) return text.status();
      locations.push_back(std::move(*text));
    }
  } else {
    SILT_ASSIGN_OR_RETURN(std::string text, ArgumentText(loc, "the location"));
    locations.push_back(std::move(text));
  }

  duckdb_value fmt_value = duckdb_bind_get_named_parameter(info, "format");
  if (fmt_value == nullptr) {
    return Status::InvalidArgument(fmt::format(
        "read_log needs a format: read_log('<path>', format => '<format>') with one of: {}",
        formats::FormatNames()));
  }
  auto format_text = ArgumentText(fmt_value, "format");
  duckdb_destroy_value(&fmt_value);
  SILT_ASSIGN_OR_RETURN(std::string format_name, std::move(format_text));
  if (formats::FindFormat(format_name) == nullptr) {
    return Status::InvalidArgument(fmt::format("unknown format '{}' (known formats: {})",
                                               format_name, formats::FormatNames()));
  }
  formats::FormatOptions options;
  for (const std::string& opt : formats::AllOptionNames()) {
    duckdb_value v = duckdb_bind_get_named_parameter(info, opt.c_str());
    if (v == nullptr) continue;
    auto text = ArgumentText(v, opt);
    duckdb_destroy_value(&v);
    SILT_ASSIGN_OR_RETURN(options[opt], std::move(text));
  }
  std::optional<KeyPattern> pattern;
  duckdb_value kp = duckdb_bind_get_named_parameter(info, "key_pattern");
  if (kp != nullptr) {
    auto text = ArgumentText(kp, "key_pattern");
    duckdb_destroy_value(&kp);
    SILT_RETURN_IF_ERROR(text.status());
    SILT_ASSIGN_OR_RETURN(KeyPattern parsed, KeyPattern::Parse(*text));
    pattern = std::move(parsed);
  }
  bool source_columns = false;
  duckdb_value sc = duckdb_bind_get_named_parameter(info, "source_columns");
  if (sc != nullptr) {
    const bool null = duckdb_is_null_value(sc);
    if (!null) source_columns = duckdb_get_bool(sc);
    duckdb_destroy_value(&sc);
    if (null) return Status::InvalidArgument("read_log: source_columns is NULL; use true or false");
  }
  SILT_ASSIGN_OR_RETURN(std::vector<InputObject> objects, ResolveInputs(locations));
  SILT_ASSIGN_OR_RETURN(std::shared_ptr<const formats::Format> format,
                        OpenFormatFor(format_name, options, objects));
  auto plan = std::make_shared<ScanPlan>(format.get(), std::move(objects));
  plan->KeepAlive(std::move(format));
  SILT_RETURN_IF_ERROR(plan->SetExtraColumns(std::move(pattern), source_columns));
  return plan;
}

struct BindData {
  std::shared_ptr<ScanPlan> plan;
  bool rejects_mode = false;
  // Strings point into silt's read buffers instead of being copied into DuckDB's vectors.
  // Only for registered plans (silt convert's COPY), whose pipeline has no operator that keeps
  // a chunk past the next scan call; the buffers live until then (retired readers).
  bool zero_copy = false;
};

void DeleteBind(void* p) { delete static_cast<BindData*>(p); }

// Rejects of one thread: counts them process-wide, forwards them to the plan's sink, keeps them
// for read_log_rejects, and corrects line numbers of units that start mid-object.
class ThreadRejects final : public formats::RejectSink {
 public:
  struct Row {
    std::string object;
    uint64_t line;
    uint64_t offset;
    std::string reason;
    std::string raw;
  };

  void Start(ScanPlan* plan, const ScanUnit* unit, bool keep) {
    plan_ = plan;
    unit_ = unit;
    keep_ = keep;
    base_known_ = unit->begin == 0;
    base_ = 0;
  }

  void OnReject(const formats::Reject& r) override {
    if (!keep_) g_rejects_seen.fetch_add(1, std::memory_order_relaxed);
    formats::Reject fixed = r;
    if (!base_known_) {
      // Line numbers of this unit were counted from 1 at its first line.
      auto lines = CountLinesBefore(plan_->object(unit_->object), first_line_offset_);
      base_ = lines.ok() ? *lines : 0;
      base_known_ = true;
    }
    fixed.line += base_;
    if (plan_->reject_sink() != nullptr) plan_->reject_sink()->OnReject(fixed);
    if (keep_) {
      rows.push_back(Row{SanitizeUtf8(fixed.object), fixed.line, fixed.offset,
                         std::string(fixed.reason), SanitizeUtf8(fixed.raw)});
    }
  }

  void set_first_line_offset(uint64_t off) { first_line_offset_ = off; }

  std::deque<Row> rows;

 private:
  ScanPlan* plan_ = nullptr;
  const ScanUnit* unit_ = nullptr;
  bool keep_ = false;
  bool base_known_ = true;
  uint64_t base_ = 0;
  uint64_t first_line_offset_ = 0;
};

struct LocalState {
  std::unique_ptr<formats::LineParser> parser;
  std::unique_ptr<formats::LineScanner> scanner;
  std::unique_ptr<formats::RowBatch> batch;
  // The reader of the current unit. When a unit ends with rows of the batch still pointing
  // into its buffer, the reader is retired until the batch has been handed to DuckDB, and a
  // pooled one continues: batches fill up across many small objects.
  std::unique_ptr<UnitReader> reader = std::make_unique<UnitReader>();
  std::vector<std::unique_ptr<UnitReader>> retired;
  std::vector<std::unique_ptr<UnitReader>> pool;
  const ScanUnit* unit = nullptr;
  bool unit_open = false;
  bool unit_started = false;
  const char* pos = nullptr;
  const char* end = nullptr;
  ThreadRejects rejects;
  std::vector<idx_t> columns;  // output vector i holds schema column columns[i]
  // Which rows of the batch came from which object (for key-pattern and source columns):
  // rows [row, next segment's row) belong to `object`, whose line numbers start at base + 1.
  struct Segment {
    size_t row;
    size_t object;
    uint64_t line_base;
  };
  std::vector<Segment> segments;
  std::vector<uint64_t> row_lines = std::vector<uint64_t>(formats::RowBatch::kCapacity);
  uint64_t unit_line_base = 0;
};

void DeleteLocal(void* p) { delete static_cast<LocalState*>(p); }

struct GlobalState {
  std::atomic<size_t> next_unit{0};
};
void DeleteGlobal(void* p) { delete static_cast<GlobalState*>(p); }

void ReadLogBind(duckdb_bind_info info) {
  auto plan = BindPlan(info);
  if (!plan.ok()) {
    NoteBindError(plan.status());
    duckdb_bind_set_error(info, plan.status().message().c_str());
    return;
  }
  for (const auto& col : (*plan)->format()->schema()) {
    AddColumn(info, col.name.c_str(), DuckType(col.type));
  }
  for (const auto& col : (*plan)->extra_columns()) {
    AddColumn(info, col.name.c_str(), DuckType(col.type));
  }
  auto* bd = new BindData{*plan, false};
  duckdb_value plan_id = duckdb_bind_get_named_parameter(info, "plan");
  if (plan_id != nullptr) {
    bd->zero_copy = true;
    duckdb_destroy_value(&plan_id);
  }
  duckdb_bind_set_bind_data(info, bd, DeleteBind);
}

void ReadLogRejectsBind(duckdb_bind_info info) {
  auto plan = BindPlan(info);
  if (!plan.ok()) {
    NoteBindError(plan.status());
    duckdb_bind_set_error(info, plan.status().message().c_str());
    return;
  }
  AddColumn(info, "object", DUCKDB_TYPE_VARCHAR);
  AddColumn(info, "line", DUCKDB_TYPE_BIGINT);
  AddColumn(info, "byte_offset", DUCKDB_TYPE_BIGINT);
  AddColumn(info, "reason", DUCKDB_TYPE_VARCHAR);
  AddColumn(info, "raw_line", DUCKDB_TYPE_VARCHAR);
  auto* bd = new BindData{*plan, true};
  duckdb_bind_set_bind_data(info, bd, DeleteBind);
}

void ReadLogInit(duckdb_init_info info) {
  auto* bd = static_cast<BindData*>(duckdb_init_get_bind_data(info));
  auto* gs = new GlobalState();
  size_t units = bd->plan->units().size();
  duckdb_init_set_max_threads(info, units == 0 ? 1 : units);
  duckdb_init_set_init_data(info, gs, DeleteGlobal);
}

void ReadLogLocalInit(duckdb_init_info info) {
  auto* bd = static_cast<BindData*>(duckdb_init_get_bind_data(info));
  const formats::Format* format = bd->plan->format();
  auto* ls = new LocalState();
  std::vector<bool> wanted(format->schema().size(), false);
  if (!bd->rejects_mode) {
    idx_t n = duckdb_init_get_column_count(info);
    for (idx_t i = 0; i < n; ++i) {
      idx_t c = duckdb_init_get_column_index(info, i);
      ls->columns.push_back(c);
      if (c < wanted.size()) wanted[c] = true;
    }
  }
  const formats::TimeWindow* window = bd->plan->window();
  if (window != nullptr) wanted[static_cast<size_t>(window->time_column)] = true;
  ls->parser = format->MakeParser(wanted);
  ls->scanner = std::make_unique<formats::LineScanner>(ls->parser.get());
  ls->scanner->set_window(window);
  if (bd->plan->source_columns()) ls->scanner->set_row_lines(ls->row_lines.data());
  ls->batch = std::make_unique<formats::RowBatch>(format->schema());
  duckdb_init_set_init_data(info, ls, DeleteLocal);
}

void SetString(duckdb_vector vec, size_t r, std::string_view s) {
  duckdb_vector_assign_string_element_len(vec, r, s.data(), s.size());
}

// Key-pattern captures, source_object, source_line: constant per segment of rows.
void CopyExtraColumn(const ScanPlan& plan, const LocalState& ls, size_t extra, size_t rows,
                     duckdb_vector vec) {
  const size_t captures = plan.capture_count();
  for (size_t s = 0; s < ls.segments.size(); ++s) {
    const auto& seg = ls.segments[s];
    const size_t end = s + 1 < ls.segments.size() ? ls.segments[s + 1].row : rows;
    if (seg.row >= end) continue;
    if (extra < captures) {
      const std::vector<std::string>* caps = plan.captures(seg.object);
      if (caps == nullptr) {
        duckdb_vector_ensure_validity_writable(vec);
        uint64_t* validity = duckdb_vector_get_validity(vec);
        for (size_t r = seg.row; r < end; ++r) duckdb_validity_set_row_invalid(validity, r);
      } else {
        for (size_t r = seg.row; r < end; ++r) SetString(vec, r, (*caps)[extra]);
      }
    } else if (extra == captures) {
      const std::string& name = plan.object(seg.object).name;
      for (size_t r = seg.row; r < end; ++r) SetString(vec, r, name);
    } else {
      auto* data = static_cast<int64_t*>(duckdb_vector_get_data(vec));
      for (size_t r = seg.row; r < end; ++r) {
        data[r] = static_cast<int64_t>(ls.row_lines[r] + seg.line_base);
      }
    }
  }
}

void CopyBatch(formats::RowBatch& batch, const std::vector<idx_t>& columns,
               duckdb_data_chunk output, bool zero_copy, const ScanPlan& plan,
               const LocalState& ls) {
  const size_t rows = batch.size();
  for (size_t i = 0; i < columns.size(); ++i) {
    const idx_t col = columns[i];
    duckdb_vector vec = duckdb_data_chunk_get_vector(output, i);
    if (col >= batch.column_count()) {
      const size_t extra = col - batch.column_count();
      if (extra < plan.extra_columns().size()) CopyExtraColumn(plan, ls, extra, rows, vec);
      continue;  // else the row id pseudo-column: left as is
    }
    const uint8_t* nulls = batch.nulls(col);
    bool any_null = false;
    for (size_t r = 0; r < rows; ++r) any_null |= nulls[r] != 0;
    if (any_null) {
      duckdb_vector_ensure_validity_writable(vec);
      uint64_t* validity = duckdb_vector_get_validity(vec);
      for (size_t r = 0; r < rows; ++r) {
        if (nulls[r]) duckdb_validity_set_row_invalid(validity, r);
      }
    }
    switch (batch.type(col)) {
      case formats::ColumnType::kVarchar: {
        auto* data = static_cast<duckdb_string_t*>(duckdb_vector_get_data(vec));
        const std::string_view* sv = batch.strings(col);
        for (size_t r = 0; r < rows; ++r) {
          if (nulls[r]) continue;
          const std::string_view s = sv[r];
          if (s.size() <= 12) {
            duckdb_string_t& d = data[r];
            std::memset(&d, 0, sizeof d);
            d.value.inlined.length = static_cast<uint32_t>(s.size());
            if (!s.empty()) std::memcpy(d.value.inlined.inlined, s.data(), s.size());
          } else if (zero_copy) {
            duckdb_string_t& d = data[r];
            d.value.pointer.length = static_cast<uint32_t>(s.size());
            std::memcpy(d.value.pointer.prefix, s.data(), 4);
            d.value.pointer.ptr = const_cast<char*>(s.data());
          } else {
            duckdb_vector_assign_string_element_len(vec, r, s.data(), s.size());
          }
        }
        break;
      }
      case formats::ColumnType::kInt32: {
        auto* data = static_cast<int32_t*>(duckdb_vector_get_data(vec));
        const int64_t* v = batch.ints(col);
        for (size_t r = 0; r < rows; ++r) data[r] = static_cast<int32_t>(v[r]);
        break;
      }
      case formats::ColumnType::kBoolean: {
        auto* data = static_cast<bool*>(duckdb_vector_get_data(vec));
        const int64_t* v = batch.ints(col);
        for (size_t r = 0; r < rows; ++r) data[r] = v[r] != 0;
        break;
      }
      case formats::ColumnType::kInt64:
      case formats::ColumnType::kTimestampTz:
      case formats::ColumnType::kDouble: {
        auto* data = static_cast<int64_t*>(duckdb_vector_get_data(vec));
        std::memcpy(data, batch.ints(col), rows * sizeof(int64_t));
        break;
      }
    }
  }
}

// Fills ls->batch from the current buffer, opening units as needed. Returns false when all
// units are done. Sets an error on the plan when reading fails.
bool FillBatch(ScanPlan* plan, GlobalState* gs, LocalState* ls, bool keep_rejects) {
  ls->segments.clear();
  // Rows of the previous batch have been copied out: retired buffers may be reused.
  for (auto& r : ls->retired) ls->pool.push_back(std::move(r));
  ls->retired.clear();
  formats::LineScanner::Counters counters;
  bool more = true;
  while (true) {
    if (ls->pos != nullptr && ls->pos < ls->end) {
      const InputObject& obj = plan->object(ls->unit->object);
      if (!plan->extra_columns().empty() &&
          (ls->segments.empty() || ls->segments.back().object != ls->unit->object ||
           ls->segments.back().line_base != ls->unit_line_base)) {
        ls->segments.push_back({ls->batch->size(), ls->unit->object, ls->unit_line_base});
      }
      ls->scanner->Scan(&ls->pos, ls->end, *ls->batch, obj.name, &ls->rejects, &counters);
      if (ls->batch->full() || ls->pos < ls->end) break;
      if (keep_rejects && ls->rejects.rows.size() >= formats::RowBatch::kCapacity) break;
      continue;
    }
    if (ls->unit_open && !ls->reader->exhausted()) {
      // The next buffer of this unit replaces the current one, which rows of the batch may
      // point into: hand them out first. (A reader that has not returned a buffer yet holds
      // none of them.)
      if (ls->unit_started &&
          (ls->batch->size() > 0 || (keep_rejects && !ls->rejects.rows.empty()))) {
        break;
      }
      auto next = ls->reader->Next(&ls->pos, &ls->end);
      const uint64_t read = ls->reader->TakeBytesRead();
      if (ls->unit->object < plan->shared_objects()->size()) {  // not re-read spilled rows
        plan->counters().bytes.fetch_add(read, std::memory_order_relaxed);
      }
      if (!next.ok()) {
        plan->SetError(next.status());
        more = false;
        break;
      }
      if (*next) {
        if (!ls->unit_started) {
          ls->scanner->Begin(1, ls->reader->buffer_offset());
          ls->rejects.set_first_line_offset(ls->reader->buffer_offset());
          ls->unit_started = true;
          ls->unit_line_base = 0;
          if (plan->source_columns() && !ls->reader->starts_object()) {
            // Exact line numbers for a range in the middle of a large object.
            auto lines = CountLinesBefore(plan->object(ls->unit->object),
                                          ls->reader->buffer_offset());
            if (!lines.ok()) {
              plan->SetError(lines.status());
              more = false;
              break;
            }
            ls->unit_line_base = *lines;
          }
        }
        continue;
      }
    }
    if (ls->unit_open) {
      ls->unit_open = false;
      ls->pos = ls->end = nullptr;
      plan->counters().units_done.fetch_add(1, std::memory_order_relaxed);
      if (ls->batch->size() > 0) {
        ls->retired.push_back(std::move(ls->reader));
        if (ls->pool.empty()) {
          ls->reader = std::make_unique<UnitReader>();
        } else {
          ls->reader = std::move(ls->pool.back());
          ls->pool.pop_back();
        }
      }
    }
    if (!plan->error().ok()) {
      more = false;
      break;
    }
    ls->unit = plan->ClaimUnit(gs->next_unit);
    if (ls->unit == nullptr) {
      more = false;
      break;
    }
    ls->parser->BeginObject();
    Status st = ls->reader->Open(plan, ls->unit);
    if (!st.ok()) {
      plan->SetError(st);
      more = false;
      break;
    }
    ls->rejects.Start(plan, ls->unit, keep_rejects);
    ls->unit_open = true;
    ls->unit_started = false;
  }
  plan->counters().rows.fetch_add(counters.rows, std::memory_order_relaxed);
  plan->counters().rejects.fetch_add(counters.rejects, std::memory_order_relaxed);
  plan->counters().skipped.fetch_add(counters.skipped, std::memory_order_relaxed);
  plan->counters().spilled.fetch_add(counters.spilled, std::memory_order_relaxed);
  return more || ls->batch->size() > 0;
}

void ReadLogFunction(duckdb_function_info info, duckdb_data_chunk output) {
  auto* bd = static_cast<BindData*>(duckdb_function_get_bind_data(info));
  auto* gs = static_cast<GlobalState*>(duckdb_function_get_init_data(info));
  auto* ls = static_cast<LocalState*>(duckdb_function_get_local_init_data(info));
  ScanPlan* plan = bd->plan.get();
  ls->batch->Clear();
  if (!plan->Enter()) {  // its caller gave up on the statement
    duckdb_data_chunk_set_size(output, 0);
    return;
  }
  FillBatch(plan, gs, ls, false);
  plan->Leave();
  Status err = plan->error();
  if (!err.ok()) {
    duckdb_function_set_error(info, err.message().c_str());
    return;
  }
  CopyBatch(*ls->batch, ls->columns, output, bd->zero_copy, *plan, *ls);
  duckdb_data_chunk_set_size(output, ls->batch->size());
}

void ReadLogRejectsFunction(duckdb_function_info info, duckdb_data_chunk output) {
  auto* bd = static_cast<BindData*>(duckdb_function_get_bind_data(info));
  auto* gs = static_cast<GlobalState*>(duckdb_function_get_init_data(info));
  auto* ls = static_cast<LocalState*>(duckdb_function_get_local_init_data(info));
  ScanPlan* plan = bd->plan.get();
  if (!plan->Enter()) {
    duckdb_data_chunk_set_size(output, 0);
    return;
  }
  while (ls->rejects.rows.empty()) {
    ls->batch->Clear();
    if (!FillBatch(plan, gs, ls, true) && ls->rejects.rows.empty()) break;
  }
  plan->Leave();
  Status err = plan->error();
  if (!err.ok()) {
    duckdb_function_set_error(info, err.message().c_str());
    return;
  }
  size_t n = std::min<size_t>(ls->rejects.rows.size(), 2048);
  duckdb_vector v_obj = duckdb_data_chunk_get_vector(output, 0);
  auto* v_line = static_cast<int64_t*>(duckdb_vector_get_data(duckdb_data_chunk_get_vector(output, 1)));
  auto* v_off = static_cast<int64_t*>(duckdb_vector_get_data(duckdb_data_chunk_get_vector(output, 2)));
  duckdb_vector v_reason = duckdb_data_chunk_get_vector(output, 3);
  duckdb_vector v_raw = duckdb_data_chunk_get_vector(output, 4);
  for (size_t r = 0; r < n; ++r) {
    const auto& row = ls->rejects.rows.front();
    duckdb_vector_assign_string_element_len(v_obj, r, row.object.data(), row.object.size());
    v_line[r] = static_cast<int64_t>(row.line);
    v_off[r] = static_cast<int64_t>(row.offset);
    duckdb_vector_assign_string_element_len(v_reason, r, row.reason.data(), row.reason.size());
    duckdb_vector_assign_string_element_len(v_raw, r, row.raw.data(), row.raw.size());
    ls->rejects.rows.pop_front();
  }
  duckdb_data_chunk_set_size(output, n);
}

Status RegisterOne(duckdb_connection conn, const char* name, duckdb_table_function_bind_t bind,
                   duckdb_table_function_t fn, bool projection) {
  duckdb_table_function tf = duckdb_create_table_function();
  duckdb_table_function_set_name(tf, name);
  duckdb_logical_type any = duckdb_create_logical_type(DUCKDB_TYPE_ANY);
  duckdb_table_function_add_parameter(tf, any);
  duckdb_destroy_logical_type(&any);
  duckdb_logical_type varchar = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
  duckdb_table_function_add_named_parameter(tf, "format", varchar);
  duckdb_destroy_logical_type(&varchar);
  duckdb_logical_type text = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
  duckdb_table_function_add_named_parameter(tf, "key_pattern", text);
  duckdb_destroy_logical_type(&text);
  duckdb_logical_type boolean = duckdb_create_logical_type(DUCKDB_TYPE_BOOLEAN);
  duckdb_table_function_add_named_parameter(tf, "source_columns", boolean);
  duckdb_destroy_logical_type(&boolean);
  // Every option any format takes (delimiter, pattern, columns...), as text.
  for (const std::string& opt : formats::AllOptionNames()) {
    duckdb_logical_type t = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
    duckdb_table_function_add_named_parameter(tf, opt.c_str(), t);
    duckdb_destroy_logical_type(&t);
  }
  duckdb_logical_type ubig = duckdb_create_logical_type(DUCKDB_TYPE_UBIGINT);
  duckdb_table_function_add_named_parameter(tf, "plan", ubig);
  duckdb_destroy_logical_type(&ubig);
  duckdb_table_function_set_bind(tf, bind);
  duckdb_table_function_set_init(tf, ReadLogInit);
  duckdb_table_function_set_local_init(tf, ReadLogLocalInit);
  duckdb_table_function_set_function(tf, fn);
  duckdb_table_function_supports_projection_pushdown(tf, projection);
  duckdb_state st = duckdb_register_table_function(conn, tf);
  duckdb_destroy_table_function(&tf);
  if (st == DuckDBError) return Status::Internal(fmt::format("registering {} failed", name));
  return Status::OK();
}

}  // namespace

Status RegisterReadLog(duckdb_connection conn) {
  SILT_RETURN_IF_ERROR(RegisterOne(conn, "read_log", ReadLogBind, ReadLogFunction, true));
  SILT_RETURN_IF_ERROR(
      RegisterOne(conn, "read_log_rejects", ReadLogRejectsBind, ReadLogRejectsFunction, false));
  return Status::OK();
}

uint64_t RegisterPlan(std::shared_ptr<ScanPlan> plan) {
  std::lock_guard<std::mutex> lock(g_plans_mu);
  uint64_t id = g_next_plan++;
  g_plans[id] = std::move(plan);
  return id;
}

void UnregisterPlan(uint64_t id) {
  std::lock_guard<std::mutex> lock(g_plans_mu);
  g_plans.erase(id);
}

uint64_t ReadLogRejectsSeen() { return g_rejects_seen.load(); }

}  // namespace silt::query
