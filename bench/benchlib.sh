# benchlib.sh - sourced by bench/bench_cli.sh and bench/bench_corpus.sh; not a benchmark.
# Needs BUILD and LRP_SST_DIR (or ../shared/data/sst) set the way those scripts set them.

# bench_data NAME: the SST test set's path in SST, or "skipped" and exit 0 without it
bench_data() {
    SST=${LRP_SST_DIR:-../shared/data/sst}
    if [ ! -r "$SST/test.txt" ]; then
        echo "$1: skipped, no SST test set at $SST/test.txt (set LRP_SST_DIR)"
        exit 0
    fi
}

# bench_model NAME DIR: the model in MODEL: LRP_MODEL, else the shipped model, else a
# random model of the paper's size written into DIR by bench_explain --save-model
bench_model() {
    MODEL=${LRP_MODEL:-models/sst5-bilstm.safetensors}
    if [ ! -r "$MODEL" ]; then
        MODEL=$2/random.safetensors
        "$BUILD/bench/bench_explain" --save-model "$MODEL" >/dev/null
        echo "$1: no models/sst5-bilstm.safetensors; a random model of the paper's size (E = H = 60)"
    fi
}
