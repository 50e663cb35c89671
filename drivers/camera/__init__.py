"""Cameras: the interface (base), the OpenCV VideoCapture driver, and the simulator that plugs into it.

    from drivers.registry import open_device
    cam = open_device("camera:sim:studio?width=1280&height=720")   # or camera:opencv:0
    frame = cam.read_frame()            # Frame: BGR pixels, monotonic timestamp, sequence number
    cam.close()
"""
