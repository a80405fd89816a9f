// A GoogleTest conformance suite for Store implementations: what a user of an object store
// relies on (atomic put, put-if-absent, byte-ordered listing with prefixes, delimiters and
// pagination, ranged reads, deletes, copies, version identity, key validation).
//
// Usage, in the implementation's test file:
//
//   INSTANTIATE_TEST_SUITE_P(Local, StoreConformance,
//                            ::testing::Values(StoreFactory{"local", [] { return ...; }}),
//                            StoreFactoryName);
//
// The factory is called once per test and must return a fresh, empty store, which the test
// destroys at its end (a factory for a scratch directory can clean up in the store's
// destructor). A factory returning nullptr skips the test (e.g. no credentials for a remote
// store).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "silt/store/store.h"

namespace silt::store {

struct StoreFactory {
  std::string name;  // the test-name suffix: letters, digits and '_' only
  std::function<std::unique_ptr<Store>()> make;
};

// Prints the factory's name in test output. Defined in store_conformance.cc; referencing it
// from the instantiation also makes the linker keep the suite's tests from a static library.
void PrintTo(const StoreFactory& factory, std::ostream* os);

// Test-name generator: the factory's name.
std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info);

class StoreConformance : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  Store& store() { return *store_; }

  std::unique_ptr<Store> store_;
};

}  // namespace silt::store
