from fieldkit.ui.startup_bench import bench_cold_start


def test_cold_start_bench_measures_a_real_window():
    figures = bench_cold_start(runs=1)
    # The app's window cannot appear before Qt itself has been imported in the child.
    assert figures["cold_start_s_median"] > figures["python_plus_qt_import_s"] > 0
