{
  "targets": [
    {
      "target_name": "nasforge",
      "sources": ["native/addon.cc", "native/handle.cc", "native/ops.cc", "native/tensor.cc", "native/rng.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node scripts/torch-config.mjs --include)"
      ],
      # NAPI_EXPERIMENTAL: Node runs "basic" finalizers (no JS) during garbage collection
      # instead of queueing them for the next event-loop turn, so abandoned tensor handles are
      # freed even in a long synchronous training loop (see native/handle.cc).
      "defines": ["NAPI_EXPERIMENTAL", "NODE_ADDON_API_CPP_EXCEPTIONS", "<!@(node scripts/torch-config.mjs --defines)"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "libraries": ["<!@(node scripts/torch-config.mjs --libs)"]
    }
  ]
}
