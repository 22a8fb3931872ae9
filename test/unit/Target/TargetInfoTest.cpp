//===- TargetInfoTest.cpp - Target resolution and queries ----------------===//
//
// The named-CPU rule, the host rule, and every answer the kernels and the
// artifact writer read, for x86-64 (no AVX2, AVX2, AVX-512 + VNNI),
// AArch64 and NVPTX: pinned targets, so the answers do not depend on the
// machine the test runs on.
//
//===----------------------------------------------------------------------===//

#include "qforge/Target/TargetInfo.h"

#include <gtest/gtest.h>

using namespace qforge;

namespace {

std::unique_ptr<TargetInfo> infoFor(const std::string &text) {
  std::string error;
  std::optional<Target> target = Target::parse(text, &error);
  EXPECT_TRUE(target) << error;
  if (!target)
    return nullptr;
  llvm::Expected<std::unique_ptr<TargetInfo>> info = TargetInfo::get(*target);
  if (!info) {
    ADD_FAILURE() << llvm::toString(info.takeError());
    return nullptr;
  }
  return std::move(*info);
}

TEST(TargetInfo, X86WithoutAVX2) {
  auto info = infoFor("x86_64");
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->isCPU());
  EXPECT_EQ(info->getVectorBits(), 128);
  EXPECT_EQ(info->getF32Lanes(), 4);
  EXPECT_EQ(info->getInt8DotKind(), Int8DotKind::Generic);
  EXPECT_FALSE(info->hasRegisterLookups());
  EXPECT_FALSE(info->hasF16Conversion());
  EXPECT_FALSE(info->usesX86VectorDialect());
  EXPECT_EQ(info->getLLVMCPU(), "generic");
  EXPECT_EQ(info->getLLVMFeatures(), "");
  EXPECT_EQ(info->getTriple(), "x86_64-unknown-linux-gnu");
}

TEST(TargetInfo, X86AVX2) {
  auto info = infoFor("x86_64+avx2+fma");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->getF32Lanes(), 8);
  EXPECT_EQ(info->getInt8DotKind(), Int8DotKind::X86MaddUbs);
  EXPECT_TRUE(info->hasRegisterLookups());
  EXPECT_FALSE(info->hasF16Conversion());
  EXPECT_EQ(info->getLLVMFeatures(), "+avx2,+fma");
}

TEST(TargetInfo, X86VNNIFormsAndAVX512) {
  auto vex = infoFor("x86_64+avx2+avxvnni");
  ASSERT_TRUE(vex);
  EXPECT_EQ(vex->getInt8DotKind(), Int8DotKind::X86Vnni);
  EXPECT_EQ(vex->getF32Lanes(), 8);
  auto evex = infoFor("x86_64+avx2+avx512+vnni");
  ASSERT_TRUE(evex);
  EXPECT_EQ(evex->getInt8DotKind(), Int8DotKind::X86Vnni);
  EXPECT_EQ(evex->getF32Lanes(), 16);
  // The 256-bit vpdpbusd needs VL with AVX512-VNNI.
  EXPECT_EQ(evex->getLLVMFeatures(),
            "+avx2,+avx512f,+avx512vnni,+avx512vl");
  // VNNI without AVX2 is no VNNI for the kernels (they are 256-bit).
  auto noAvx2 = infoFor("x86_64+avxvnni");
  ASSERT_TRUE(noAvx2);
  EXPECT_EQ(noAvx2->getInt8DotKind(), Int8DotKind::Generic);
}

TEST(TargetInfo, NamedCPUImpliesItsFeatures) {
  auto zen3 = infoFor("x86_64:znver3");
  ASSERT_TRUE(zen3);
  const Target &t = zen3->getTarget();
  EXPECT_TRUE(t.hasFeature("avx2"));
  EXPECT_TRUE(t.hasFeature("fma"));
  EXPECT_TRUE(t.hasFeature("f16c"));
  EXPECT_FALSE(t.hasFeature("avx512"));
  EXPECT_EQ(zen3->getF32Lanes(), 8);
  EXPECT_EQ(zen3->getInt8DotKind(), Int8DotKind::X86MaddUbs);
  EXPECT_TRUE(zen3->hasF16Conversion());
  // LLVM gets the CPU and the features as written (the CPU implies the rest).
  EXPECT_EQ(zen3->getLLVMCPU(), "znver3");
  EXPECT_EQ(zen3->getLLVMFeatures(), "");

  auto zen4 = infoFor("x86_64:znver4");
  ASSERT_TRUE(zen4);
  EXPECT_EQ(zen4->getF32Lanes(), 16);
  EXPECT_EQ(zen4->getInt8DotKind(), Int8DotKind::X86Vnni);

  // Written features are added to the CPU's, never removed.
  auto generic = infoFor("x86_64:x86-64+avx2");
  ASSERT_TRUE(generic);
  EXPECT_EQ(generic->getF32Lanes(), 8);
}

TEST(TargetInfo, UnknownCPUIsAnError) {
  std::optional<Target> target = Target::parse("x86_64:zen99");
  ASSERT_TRUE(target);
  llvm::Expected<std::unique_ptr<TargetInfo>> info = TargetInfo::get(*target);
  ASSERT_FALSE(info);
  EXPECT_EQ(llvm::toString(info.takeError()),
            "invalid target 'x86_64:zen99': unknown CPU 'zen99' for x86_64");
}

TEST(TargetInfo, AArch64) {
  auto neon = infoFor("aarch64+neon");
  ASSERT_TRUE(neon);
  EXPECT_EQ(neon->getF32Lanes(), 4);
  EXPECT_EQ(neon->getInt8DotKind(), Int8DotKind::Generic);
  EXPECT_TRUE(neon->hasF16Conversion());
  EXPECT_TRUE(neon->usesArmNeonDialect());
  auto dot = infoFor("aarch64+neon+dotprod+fp16");
  ASSERT_TRUE(dot);
  EXPECT_EQ(dot->getInt8DotKind(), Int8DotKind::ArmSdot);
  EXPECT_EQ(dot->getLLVMFeatures(), "+dotprod,+fullfp16,+neon");
  EXPECT_EQ(dot->getTriple(), "aarch64-unknown-linux-gnu");
}

TEST(TargetInfo, NVPTX) {
  auto info = infoFor("sm_90a");
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->isCPU());
  EXPECT_EQ(info->getLLVMCPU(), "sm_90a");
  EXPECT_EQ(info->getLLVMFeatures(), "");
  EXPECT_EQ(info->getTriple(), "nvptx64-nvidia-cuda");
}

TEST(TargetInfo, HostIsResolved) {
  auto info = infoFor("host");
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->isHost());
  EXPECT_NE(info->getTarget().arch, Target::Arch::Host);
  EXPECT_TRUE(info->isCPU());
  EXPECT_GE(info->getF32Lanes(), 4);
  // The machine's own feature string (every LLVM feature, + or -).
  EXPECT_NE(info->getLLVMFeatures(), "");
}

} // namespace
