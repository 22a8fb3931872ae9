"""Runs qforge-opt on a module with the pass pipeline qforge-compile
--print-pipeline wrote to a file (lit's shell has no command substitution).

usage: replay_pipeline.py QFORGE_OPT PIPELINE.txt INPUT.mlir OUTPUT.mlir
"""
import subprocess
import sys

opt, pipeline_file, source, output = sys.argv[1:5]
with open(pipeline_file) as f:
    pipeline = f.read().strip()
sys.exit(subprocess.call([opt, source, "--pass-pipeline=" + pipeline,
                          "-o", output]))
